using Crumbs.Domain.Caching;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Crumbs.Worker.Messaging;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// WRITES HOME TIMELINES AHEAD OF TIME: a new post goes into every follower's timeline in one statement.
/// Authors above the celebrity threshold are skipped (their posts are merged in when timelines are read).
/// Naturally idempotent: an entry that is already there stays as it is.
/// </summary>
public sealed class FanOutHandler(NpgsqlDataSource db, TimelineStore timelines, CacheInvalidation cache, TimeProvider clock,
    TimelineTelemetry telemetry) : IMessageHandler<PostCreated>
{
    public static string Queue => Queues.PostCreated;

    public async Task HandleAsync(PostCreated message, Delivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var followers = await connection.QueryAsync<long>(new CommandDefinition(
            """
            insert into timeline_entries (user_id, post_id, author_id)
            select follower_id, @PostId, @AuthorId from follows
            where followee_id = @AuthorId
              and (select follower_count from users where id = @AuthorId) <= @threshold
              and exists (select 1 from posts where id = @PostId)
            on conflict do nothing
            returning user_id
            """,
            new { message.PostId, message.AuthorId, threshold = timelines.CelebrityThreshold },
            commandTimeout: 120, cancellationToken: cancellationToken));
        await cache.TimelinesChangedAsync(followers);
        telemetry.FanOutDelay.Record((clock.GetUtcNow().UtcDateTime - message.CreatedAt).TotalMilliseconds);
    }
}
