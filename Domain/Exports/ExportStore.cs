using Crumbs.Domain.Database;
using Crumbs.Domain.Jobs;
using Crumbs.Domain.Messaging;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Exports;

/// <summary>A finished export's file.</summary>
public sealed record ExportFile(string ContentType, string FileName, byte[] Bytes);

/// <summary>Data exports: asked for on the web, written by a worker, downloaded by their owner until they expire.</summary>
public sealed class ExportStore(NpgsqlDataSource db, OutboxBell bell)
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(7);

    /// <summary>The job and the worker's message, in one transaction.</summary>
    public async Task<Guid> RequestAsync(long userId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var jobId = await JobStore.CreateAsync(connection, transaction, userId, JobKinds.Export, KeepFor, ct);
        await Outbox.EnqueueAsync(connection, transaction, Queues.ExportRequested, Guid.CreateVersion7(),
            new ExportRequested(jobId, userId), aggregateKey: null, ct);
        await transaction.CommitSurelyAsync(db, ct);
        bell.Ring();
        return jobId;
    }

    /// <summary>Stores the file and ends the job as done, together.</summary>
    public async Task StoreAsync(Guid jobId, long userId, ExportFile file, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into exports (job_id, owner_id, content_type, file_name, bytes) values (@jobId, @userId, @ContentType, @FileName, @Bytes)
            on conflict (job_id) do nothing
            """, new { jobId, userId, file.ContentType, file.FileName, file.Bytes }, transaction, cancellationToken: ct));
        await JobStore.FinishAsync(connection, transaction, jobId, DownloadUrl(jobId), ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<ExportFile?> FindFileAsync(Guid jobId, long ownerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ExportFile>(new CommandDefinition(
            "select content_type as ContentType, file_name as FileName, bytes from exports where job_id = @jobId and owner_id = @ownerId",
            new { jobId, ownerId }, cancellationToken: ct));
    }

    /// <summary>Drops the files of expired exports; their jobs stay, so a late download learns that it expired.</summary>
    public static string DownloadUrl(Guid jobId) => $"/api/exports/{jobId}/download";
}
