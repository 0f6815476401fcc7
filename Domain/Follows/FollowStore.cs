using Crumbs.Domain.Caching;
using Crumbs.Domain.Database;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Follows;

/// <summary>Follows, with the counters on both users' rows kept in the same transaction.</summary>
public sealed class FollowStore(NpgsqlDataSource db, CacheInvalidation cache, OutboxBell bell)
{
    /// <summary>Follows or unfollows, idempotently; the counters and the message only when something changed.</summary>
    public async Task SetFollowAsync(long followerId, long followeeId, bool follow, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (sql, delta) = follow
            ? ("insert into follows (follower_id, followee_id) values (@followerId, @followeeId) on conflict do nothing", 1)
            : ("delete from follows where follower_id = @followerId and followee_id = @followeeId", -1);
        if (await connection.ExecuteAsync(new CommandDefinition(sql, new { followerId, followeeId }, transaction, cancellationToken: ct)) == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            update users set following_count = following_count + @delta where id = @followerId;
            update users set follower_count = follower_count + @delta where id = @followeeId;
            """, new { followerId, followeeId, delta }, transaction, cancellationToken: ct));
        var key = $"follow:{followerId}:{followeeId}";
        if (follow)
        {
            await Outbox.EnqueueAsync(connection, transaction, Queues.Followed, Guid.CreateVersion7(), new Followed(followerId, followeeId), key, ct);
        }
        else
        {
            await Outbox.EnqueueAsync(connection, transaction, Queues.Unfollowed, Guid.CreateVersion7(), new Unfollowed(followerId, followeeId), key, ct);
        }

        await transaction.CommitSurelyAsync(db, ct);
        await connection.CloseAsync();   // back to the pool before the caches are told: the pool is small (ConnectionPool)
        bell.Ring();
        await cache.UsersChangedAsync([followerId, followeeId], ct);  // the counters
        await cache.TimelinesChangedAsync([followerId]);             // whose posts the timeline merges
    }

    public async Task<bool> IsFollowingAsync(long followerId, long followeeId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from follows where follower_id = @followerId and followee_id = @followeeId)",
            new { followerId, followeeId }, cancellationToken: ct));
    }

    /// <summary>Ids of a user's followers (or of whom they follow), highest id first, by keyset.</summary>
    public async Task<IReadOnlyList<long>> ListAsync(long userId, bool followers, long before, int limit, CancellationToken ct)
    {
        var sql = followers
            ? "select follower_id from follows where followee_id = @userId and follower_id < @before order by follower_id desc limit @limit"
            : "select followee_id from follows where follower_id = @userId and followee_id < @before order by followee_id desc limit @limit";
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(sql, new { userId, before, limit }, cancellationToken: ct))).AsList();
    }
}
