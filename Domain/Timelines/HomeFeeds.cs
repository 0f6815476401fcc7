using Crumbs.Domain.Caching;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Domain.Timelines;

/// <summary>
/// HOME TIMELINES ARE KEPT ONLY FOR ACTIVE USERS (as Mastodon does): the fan-out writes to followers seen within
/// <see cref="TimelineOptions.ActiveFor"/> and skips the others, so a post costs less the more of its readers are
/// away. When one of them comes back (a sign-in, or a request with their session), their last activity moves on and
/// their timeline is rebuilt from follows × posts before the request goes on, so they see what an active user sees.
/// </summary>
public sealed class HomeFeeds(NpgsqlDataSource db, IOptions<TimelineOptions> options, CacheInvalidation cache)
{
    /// <summary>
    /// Records that the user is here (at most once per <see cref="TimelineOptions.TouchEvery"/>, else it runs nothing
    /// but one indexed update that matches no row) and, if they had been away, rebuilds their home timeline.
    /// </summary>
    /// <returns>True if their timeline was rebuilt.</returns>
    public async Task<bool> SeenAsync(long userId, CancellationToken ct)
    {
        var timeline = options.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        // The self-join reads the old value; the condition on u, rechecked after a concurrent touch, lets one win.
        var cameBack = await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
            """
            update users u set last_active_at = now()
            from users old
            where u.id = @userId and old.id = u.id
              and u.last_active_at < now() - @touchEvery and old.last_active_at < now() - @touchEvery
            returning old.last_active_at < now() - @activeFor
            """, new { userId, touchEvery = timeline.TouchEvery, activeFor = timeline.ActiveFor }, cancellationToken: ct));
        if (cameBack != true)
        {
            return false;
        }

        // After the touch has committed: a post committed before this statement's snapshot is rebuilt here, and the
        // fan-out of any later one already sees the user as active. So no post falls between the two.
        await RebuildAsync(connection, userId, ct);
        return true;
    }

    /// <summary>
    /// Writes the newest <see cref="TimelineOptions.RebuildSize"/> posts of the authors the user follows (celebrities
    /// excepted, as in the fan-out) into their home timeline. Idempotent (present entries stay) and bounded.
    /// </summary>
    public async Task<int> RebuildAsync(long userId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await RebuildAsync(connection, userId, ct);
    }

    private async Task<int> RebuildAsync(NpgsqlConnection connection, long userId, CancellationToken ct)
    {
        var timeline = options.Value;
        var written = await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into timeline_entries (user_id, post_id, author_id)
            select @userId, p.id, p.author_id
            from follows f
            join users a on a.id = f.followee_id and a.follower_count <= @threshold
            cross join lateral (
                select id, author_id from posts where author_id = f.followee_id order by id desc limit @size) p
            where f.follower_id = @userId
            order by p.id desc limit @size
            on conflict do nothing
            """, new { userId, threshold = timeline.CelebrityThreshold, size = timeline.RebuildSize },
            commandTimeout: 30, cancellationToken: ct));
        await cache.TimelinesChangedAsync([userId]);
        return written;
    }
}
