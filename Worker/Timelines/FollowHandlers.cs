using Crumbs.Domain.Caching;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Crumbs.Worker.Messaging;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// Follow: the followee's recent posts go into the follower's timeline. It acts on the follow as it is now, so a
/// backfill that arrives after an unfollow writes nothing.
/// </summary>
public sealed class BackfillHandler(NpgsqlDataSource db, TimelineStore timelines, CacheInvalidation cache) : IMessageHandler<Followed>
{
    public const int Posts = 50;

    public static string Queue => Queues.Followed;

    public async Task HandleAsync(Followed message, Delivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into timeline_entries (user_id, post_id, author_id)
            select @FollowerId, id, author_id from posts
            where author_id = @FolloweeId
              and exists (select 1 from follows where follower_id = @FollowerId and followee_id = @FolloweeId)
              and (select follower_count from users where id = @FolloweeId) <= @threshold
            order by id desc limit @posts
            on conflict do nothing
            """,
            new { message.FollowerId, message.FolloweeId, threshold = timelines.CelebrityThreshold, posts = Posts },
            cancellationToken: cancellationToken));
        await cache.TimelinesChangedAsync([message.FollowerId]);
    }
}

/// <summary>
/// Unfollow: the followee's posts leave the follower's timeline, unless they follow again meanwhile. The reader's
/// timeline is read whole by its primary key and filtered by author: timeline rows keep no index by author, since every
/// post's fan-out would pay for it and only an unfollow reads it.
/// </summary>
public sealed class UnfollowHandler(NpgsqlDataSource db, CacheInvalidation cache) : IMessageHandler<Unfollowed>
{
    public static string Queue => Queues.Unfollowed;

    public async Task HandleAsync(Unfollowed message, Delivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            delete from timeline_entries
            where user_id = @FollowerId and author_id = @FolloweeId
              and not exists (select 1 from follows where follower_id = @FollowerId and followee_id = @FolloweeId)
            """, new { message.FollowerId, message.FolloweeId }, cancellationToken: cancellationToken));
        await cache.TimelinesChangedAsync([message.FollowerId]);
    }
}
