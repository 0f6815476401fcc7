using Crumbs.Domain.Caching;
using Crumbs.Domain.Live;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Crumbs.Worker.Messaging;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// WRITES HOME TIMELINES AHEAD OF TIME: a new post goes into every active follower's timeline in one statement.
/// Followers away longer than Crumbs:Timeline:ActiveFor are skipped: their timelines are rebuilt when they come back
/// (<see cref="HomeFeeds"/>). Authors above the celebrity threshold are skipped too (their posts are merged in when
/// timelines are read).
/// Then the open home pages of those followers are told (<see cref="NewPosts"/>, which names only those online).
/// Naturally idempotent: an entry that is already there stays as it is, and its reader is still bumped and told.
/// </summary>
public sealed class FanOutHandler(NpgsqlDataSource db, IOptions<TimelineOptions> options, CacheInvalidation cache, TimeProvider clock,
    TimelineTelemetry telemetry, NewPosts live) : IMessageHandler<PostCreated>
{
    public static string Queue => Queues.PostCreated;

    public async Task HandleAsync(PostCreated message, Delivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // The readers are the active followers the statement chose, and each has the post when it ends: the insert wrote
        // the row, or found it there (an earlier try of this message that stopped before the bump and the live message, or
        // a follow's backfill; the insert waits for a concurrent writer of the same row to commit, then skips it). So the
        // readers are not read back from the timelines: that read missed a row whose writer the insert had waited for (its
        // snapshot predated the wait), and it needed an index by post on every timeline row.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var readers = (await connection.QueryAsync<long>(new CommandDefinition(FanOut,
            new { message.PostId, message.AuthorId, threshold = options.Value.CelebrityThreshold, activeFor = options.Value.ActiveFor },
            transaction, commandTimeout: 120, cancellationToken: cancellationToken))).AsList();
        await transaction.CommitAsync(cancellationToken);
        await cache.TimelinesChangedAsync(readers);
        await live.PublishAsync(message.PostId, message.AuthorId, readers);   // after the bump: a page that asks reads the post
        telemetry.FanOutDelay.Record((clock.GetUtcNow().UtcDateTime - message.CreatedAt).TotalMilliseconds);
    }

    /// <summary>
    /// Postgres would plan this anew for every post: a plan made for the author's own follower count always looked
    /// cheaper than the generic one, which assumed an average author and joined their followers to users by hash over
    /// a sequential scan. Written without a join (each follower's last visit is a primary-key look-up), the generic plan
    /// is the right one for every author, and this transaction asks for it: planning was ≈ 13% of Postgres' CPU per post.
    /// A data-modifying CTE always runs to its end, whether the outer query reads it or not.
    /// </summary>
    private const string FanOut = """
        set local plan_cache_mode = force_generic_plan;
        with readers as materialized (
          select f.follower_id from follows f
          where f.followee_id = @AuthorId
            and (select last_active_at from users where id = f.follower_id) > now() - @activeFor
            and (select follower_count from users where id = @AuthorId) <= @threshold
            and exists (select 1 from posts where id = @PostId)),
        written as (
          insert into timeline_entries (user_id, post_id, author_id)
          select follower_id, @PostId, @AuthorId from readers
          on conflict do nothing)
        select follower_id from readers;
        """;
}
