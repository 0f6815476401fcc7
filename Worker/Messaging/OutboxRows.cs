using Dapper;
using Npgsql;

namespace Crumbs.Worker.Messaging;

/// <summary>The outbox relay's reads and writes of the outbox table, all inside the relay's batch transaction.</summary>
internal static class OutboxRows
{
    public sealed record Row(long Id, Guid MessageId, string Queue, string Kind, string? AggregateKey, string Payload, string Headers);

    // Locked rows are skipped, so replicas take disjoint batches. An aggregate's row is only taken when no earlier
    // row of it is pending outside this batch (within it, NextWave keeps the order): so an aggregate's messages are
    // published in order, whichever replica sends them. Enqueuing takes turns per aggregate, so id order is commit order.
    private const string TakeBatch = """
        with batch as (
            select id from outbox
            where sent_at is null and (retry_at is null or retry_at <= now())
            order by id limit @limit for update skip locked
        )
        select o.id as Id, o.message_id as MessageId, o.queue as Queue, o.kind as Kind, o.aggregate_key as AggregateKey,
               o.payload::text as Payload, o.headers::text as Headers
        from outbox o join batch b on b.id = o.id
        where o.aggregate_key is null or not exists (
            select 1 from outbox e
            where e.aggregate_key = o.aggregate_key and e.sent_at is null and e.id < o.id
              and e.id not in (select id from batch))
        order by o.id
        """;

    public static async Task<List<Row>> TakeAsync(NpgsqlTransaction transaction, int limit, CancellationToken cancellationToken) =>
        (await transaction.Connection!.QueryAsync<Row>(new CommandDefinition(
            TakeBatch, new { limit }, transaction, cancellationToken: cancellationToken))).AsList();

    /// <summary>
    /// Marks rows sent at the time the broker confirmed each. The rows are found by primary key (`o.id = any(@ids)`):
    /// joined to the unnested arrays alone, Postgres hashed them and scanned the whole outbox, sent rows included, for
    /// every batch (≈ 2 ms a batch once a write benchmark had filled it, and growing with it).
    /// </summary>
    public static Task MarkSentAsync(NpgsqlTransaction transaction, IReadOnlyCollection<(long Id, DateTime ConfirmedAt)> sent) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            update outbox o set sent_at = s.confirmed_at, attempts = attempts + 1
            from unnest(@ids, @confirmedAt) as s(id, confirmed_at) where o.id = s.id and o.id = any(@ids)
            """,
            new { ids = sent.Select(s => s.Id).ToArray(), confirmedAt = sent.Select(s => s.ConfirmedAt).ToArray() }, transaction));

    /// <summary>
    /// Records a failed publish. A row the broker refused (no such queue, a nack) waits a while before its next try,
    /// growing up to 30 s, so it holds up no others; when the broker is away the row is simply tried again.
    /// </summary>
    public static Task MarkFailedAsync(NpgsqlTransaction transaction, long id, Exception error, bool refused) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            update outbox set attempts = attempts + 1, last_error = @error,
                retry_at = case when @refused then now() + least(attempts + 1, 30) * interval '1 second' end
            where id = @id
            """,
            new { id, error = $"{error.GetType().Name}: {error.Message}", refused }, transaction));

    public static async Task<long> CountPendingAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from outbox where sent_at is null", cancellationToken: cancellationToken));
    }
}
