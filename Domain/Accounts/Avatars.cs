using Crumbs.Domain.Database;
using Crumbs.Domain.Jobs;
using Crumbs.Domain.Media;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Accounts;

/// <summary>
/// A new picture in two steps. The web stores the upload, its job and the worker's message in one transaction
/// (<see cref="SubmitAsync"/>); the worker makes the thumbnails and switches the profile to them, with the message
/// that updates the copies on old posts, in another (<see cref="SwitchAsync"/>). Meanwhile the old picture stays.
/// </summary>
public sealed class Avatars(NpgsqlDataSource db, OutboxBell bell)
{
    private static readonly TimeSpan KeepJobFor = TimeSpan.FromDays(1);

    public async Task<Guid> SubmitAsync(long userId, string contentType, byte[] bytes, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var jobId = await JobStore.CreateAsync(connection, transaction, userId, JobKinds.Avatar, KeepJobFor, ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into avatar_uploads (job_id, owner_id, content_type, bytes) values (@jobId, @userId, @contentType, @bytes)",
            new { jobId, userId, contentType, bytes }, transaction, cancellationToken: ct));
        await Outbox.EnqueueAsync(connection, transaction, Queues.AvatarUploaded, Guid.CreateVersion7(),
            new AvatarUploaded(jobId, userId), $"avatar:{userId}", ct);
        await transaction.CommitSurelyAsync(db, ct);
        bell.Ring();
        return jobId;
    }

    /// <summary>The upload waiting for its job, or null once it has been used up.</summary>
    public async Task<byte[]?> FindUploadAsync(Guid jobId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "select bytes from avatar_uploads where job_id = @jobId", new { jobId }, cancellationToken: ct));
    }

    /// <summary>
    /// Stores the thumbnails, points the profile at them, ends the job and drops the upload, in the caller's
    /// transaction, with the message that brings the author copies on old posts up to date.
    /// </summary>
    public static async Task<string> SwitchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid jobId, long userId, Thumbnail small, Thumbnail large, CancellationToken ct)
    {
        // Two uploads finishing at once take turns, and an older one never replaces a newer one (v7 ids grow with time).
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtextextended(@key, 0))",
            new { key = $"avatar:{userId}" }, transaction, cancellationToken: ct));
        var smallUrl = MediaStore.UrlOf(await MediaStore.InsertAsync(connection, transaction, userId, small.Image, small.Bytes, ct));
        var url = MediaStore.UrlOf(await MediaStore.InsertAsync(connection, transaction, userId, large.Image, large.Bytes, ct));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            update users set avatar_url = @url, avatar_small_url = @smallUrl, updated_at = now()
            where id = @userId
              and not exists (select 1 from jobs where owner_id = @userId and kind = 'avatar' and state = 'done' and id > @jobId);
            delete from avatar_uploads where job_id = @jobId;
            """, new { url, smallUrl, userId, jobId }, transaction, cancellationToken: ct));
        await JobStore.FinishAsync(connection, transaction, jobId, url, ct);
        await Outbox.EnqueueAsync(connection, transaction, Queues.ProfileChanged, Guid.CreateVersion7(),
            new ProfileChanged(userId), $"user:{userId}", ct);
        return url;
    }

    /// <summary>A picture that cannot be used: the job fails with the reason and the upload goes.</summary>
    public async Task RejectAsync(Guid jobId, string reason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            update jobs set state = 'failed', reason = @reason, updated_at = now() where id = @jobId and state in ('queued', 'running');
            delete from avatar_uploads where job_id = @jobId;
            """, new { jobId, reason }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }
}
