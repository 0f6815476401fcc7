using System.Text.Json;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Messaging;

/// <summary>
/// Writes a message into the outbox inside the caller's transaction, so the business change and the message
/// commit together or not at all. The outbox relay in the workers publishes it afterwards.
/// </summary>
public static class Outbox
{
    /// <param name="aggregateKey">
    /// Messages with the same key (e.g. "post:42") are published in the order they were enqueued; null for no order.
    /// </param>
    public static async Task EnqueueAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string queue, Guid messageId, T message, string? aggregateKey, CancellationToken cancellationToken)
    {
        if (aggregateKey is not null)
        {
            // Two transactions enqueuing for one aggregate take turns, so row ids follow commit order and the
            // relay, which publishes an aggregate's rows by id, never sends a later one first.
            await connection.ExecuteAsync(new CommandDefinition(
                "select pg_advisory_xact_lock(hashtextextended(@aggregateKey, 0))",
                new { aggregateKey }, transaction, cancellationToken: cancellationToken));
        }

        await InsertAsync(connection, transaction, queue, messageId, message, aggregateKey, cancellationToken);
    }

    /// <summary>
    /// The first message of an aggregate created by the caller's own statement (a new post), as a data-modifying CTE
    /// for that statement: its JSON is built from the new row there, so the message costs no round trip of its own.
    /// No other transaction can see the aggregate, so none can enqueue for it, before this one commits; whatever it
    /// enqueues later gets a higher id. So the turn-taking lock of <see cref="EnqueueAsync{T}"/> is not needed.
    /// </summary>
    /// <param name="from">the CTE the aggregate's row comes from</param>
    /// <param name="aggregateKey">SQL for the key, e.g. <c>'post:' || id</c></param>
    /// <param name="payload">SQL building the message's JSON as <typeparamref name="T"/> serializes (a test reads it back)</param>
    public static string FirstMessageFrom<T>(string from, string aggregateKey, string payload, DynamicParameters parameters, string queue)
    {
        parameters.Add("outboxMessageId", Guid.CreateVersion7());
        parameters.Add("outboxQueue", queue);
        parameters.Add("outboxKind", typeof(T).Name);
        // The web request's trace, so the worker's handling joins it although the relay publishes later.
        parameters.Add("outboxHeaders", JsonSerializer.Serialize(MessageHeaders.OfCurrentTrace()));
        return $"""
            insert into outbox (message_id, queue, kind, aggregate_key, payload, headers)
                select @outboxMessageId, @outboxQueue, @outboxKind, {aggregateKey}, {payload}, @outboxHeaders::jsonb from {from}
            """;
    }

    /// <summary>A timestamptz as System.Text.Json writes a UTC DateTime, for payloads built in SQL.</summary>
    public static string JsonTime(string column) => $"""to_char({column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""";

    private static async Task InsertAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string queue, Guid messageId, T message, string? aggregateKey, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into outbox (message_id, queue, kind, aggregate_key, payload, headers)
            values (@messageId, @queue, @kind, @aggregateKey, @payload::jsonb, @headers::jsonb)
            """,
            new
            {
                messageId,
                queue,
                kind = typeof(T).Name,
                aggregateKey,
                payload = JsonSerializer.Serialize(message),
                // The web request's trace, so the worker's handling joins it although the relay publishes later.
                headers = JsonSerializer.Serialize(MessageHeaders.OfCurrentTrace()),
            },
            transaction, cancellationToken: cancellationToken));
    }
}
