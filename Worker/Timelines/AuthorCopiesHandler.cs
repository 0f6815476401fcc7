using Crumbs.Domain.Caching;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Worker.Messaging;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// A renamed author, or a new picture: the copies on their posts are brought up to date in batches, each its own
/// short transaction, so a prolific author never holds a long lock. It copies the profile as it is now.
/// </summary>
public sealed class AuthorCopiesHandler(NpgsqlDataSource db, CacheInvalidation cache) : IMessageHandler<ProfileChanged>
{
    private const int Batch = 1000;

    public static string Queue => Queues.ProfileChanged;

    public async Task HandleAsync(ProfileChanged message, Delivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        int updated;
        do
        {
            var ids = (await connection.QueryAsync<long>(new CommandDefinition(
                """
                with author as (select display_name, avatar_url from users where id = @UserId)
                update posts set author_display_name = author.display_name, author_avatar_url = author.avatar_url
                from author
                where posts.id in (
                    select id from posts, author a
                    where author_id = @UserId
                      and (author_display_name is distinct from a.display_name or author_avatar_url is distinct from a.avatar_url)
                    limit @batch)
                returning posts.id
                """, new { message.UserId, batch = Batch }, cancellationToken: cancellationToken))).AsList();
            await cache.PostsChangedAsync(ids, cancellationToken);
            updated = ids.Count;
        }
        while (updated == Batch);
    }
}
