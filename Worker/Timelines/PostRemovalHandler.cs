using Crumbs.Domain.Caching;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Worker.Messaging;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// Takes a deleted post out of every timeline (reads already skip it: its row is gone). Timeline rows keep no index
/// by post, so the post is looked up at its author and at each of their followers, by primary key: those are the only
/// timelines it reached (a reader who unfollowed loses all of the author's posts through <see cref="UnfollowHandler"/>).
/// </summary>
public sealed class PostRemovalHandler(NpgsqlDataSource db, CacheInvalidation cache) : IMessageHandler<PostDeleted>
{
    public static string Queue => Queues.PostDeleted;

    public async Task HandleAsync(PostDeleted message, Delivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var readers = await connection.QueryAsync<long>(new CommandDefinition(
            """
            delete from timeline_entries
            where post_id = @PostId
              and user_id in (select follower_id from follows where followee_id = @AuthorId union all select @AuthorId)
            returning user_id
            """, new { message.PostId, message.AuthorId }, cancellationToken: cancellationToken));
        await cache.TimelinesChangedAsync(readers);
    }
}
