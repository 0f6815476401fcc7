using Crumbs.Domain.Caching;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Worker.Messaging;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>Takes a deleted post out of every timeline (reads already skip it: its row is gone).</summary>
public sealed class PostRemovalHandler(NpgsqlDataSource db, CacheInvalidation cache) : IMessageHandler<PostDeleted>
{
    public static string Queue => Queues.PostDeleted;

    public async Task HandleAsync(PostDeleted message, Delivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var readers = await connection.QueryAsync<long>(new CommandDefinition(
            "delete from timeline_entries where post_id = @PostId returning user_id", new { message.PostId }, cancellationToken: cancellationToken));
        await cache.TimelinesChangedAsync(readers);
    }
}
