using Dapper;
using Npgsql;

namespace Crumbs.Domain.Jobs;

/// <summary>The jobs table: created with its message in the caller's transaction, moved along by the worker.</summary>
public sealed class JobStore(NpgsqlDataSource db)
{
    private const string Columns =
        "id, owner_id as OwnerId, kind, state, progress, reason, result_ref as ResultRef, created_at as CreatedAt, " +
        "updated_at as UpdatedAt, expires_at as ExpiresAt";

    public static async Task<Guid> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        long ownerId, string kind, TimeSpan keepFor, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into jobs (id, owner_id, kind, expires_at) values (@id, @ownerId, @kind, now() + @keepFor)",
            new { id, ownerId, kind, keepFor }, transaction, cancellationToken: ct));
        return id;
    }

    /// <summary>The job, if this user owns it: nobody learns whether someone else's job exists.</summary>
    public async Task<Job?> FindAsync(Guid id, long ownerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Job>(new CommandDefinition(
            $"select {Columns} from jobs where id = @id and owner_id = @ownerId", new { id, ownerId }, cancellationToken: ct));
    }

    public async Task<Job?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Job>(new CommandDefinition(
            $"select {Columns} from jobs where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>A user's jobs of one kind, newest first.</summary>
    public async Task<IReadOnlyList<Job>> ListAsync(long ownerId, string kind, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Job>(new CommandDefinition(
            $"select {Columns} from jobs where owner_id = @ownerId and kind = @kind order by created_at desc limit @limit",
            new { ownerId, kind, limit }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> HasActiveAsync(long ownerId, string kind, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from jobs where owner_id = @ownerId and kind = @kind and state in ('queued', 'running'))",
            new { ownerId, kind }, cancellationToken: ct));
    }

    /// <summary>Moves a job that has not ended along; false once it has ended (a redelivered message finds it so).</summary>
    public async Task<bool> ProgressAsync(Guid id, int progress, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            update jobs set state = 'running', progress = greatest(progress, @progress), updated_at = now()
            where id = @id and state in ('queued', 'running')
            """, new { id, progress }, cancellationToken: ct)) == 1;
    }

    /// <summary>Ends a job as done, in the transaction that stores its result.</summary>
    public static Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string resultRef, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "update jobs set state = 'done', progress = 100, result_ref = @resultRef, updated_at = now() where id = @id",
            new { id, resultRef }, transaction, cancellationToken: ct));

    /// <summary>
    /// Forgets jobs a month after they expired (their uploads and files go with them); until then an expired export's
    /// job still answers, so its owner learns it expired (410) rather than that it never was (404).
    /// </summary>
    /// <summary>Ends a job as failed, with a reason its owner can read.</summary>
    public async Task FailAsync(Guid id, string reason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update jobs set state = 'failed', reason = @reason, updated_at = now() where id = @id and state in ('queued', 'running')",
            new { id, reason }, cancellationToken: ct));
    }
}
