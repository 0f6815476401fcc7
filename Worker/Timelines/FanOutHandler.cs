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
        // The readers are all who have the post now: those the insert wrote to, and those who had it already (a follow's
        // backfill that ran after the post committed, or an earlier try of this message that stopped before the bump and
        // the live message). Both happen at least once for every reader; an open page counts a post once. The read is a
        // statement of its own: its snapshot is taken after the insert, which waited for any backfill writing the same
        // row to commit, so it sees that row too (as one statement, its one snapshot, taken before that wait, missed it).
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var followers = await connection.QueryAsync<long>(new CommandDefinition(FanOut,
            new { message.PostId, message.AuthorId, threshold = options.Value.CelebrityThreshold, activeFor = options.Value.ActiveFor },
            transaction, commandTimeout: 120, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        var readers = followers.AsList();
        await cache.TimelinesChangedAsync(readers);
        await live.PublishAsync(message.PostId, message.AuthorId, readers);   // after the bump: a page that asks reads the post
        telemetry.FanOutDelay.Record((clock.GetUtcNow().UtcDateTime - message.CreatedAt).TotalMilliseconds);
    }

    /// <summary>
    /// Postgres would plan this anew for every post: a plan made for the author's own follower count always looked
    /// cheaper than the generic one, which assumed an average author and joined their followers to users by hash over
    /// a sequential scan. Written without a join (each follower's last visit is a primary-key look-up), the generic plan
    /// is the right one for every author, and this transaction asks for it: planning was ≈ 13% of Postgres' CPU per post.
    /// </summary>
    private const string FanOut = """
        set local plan_cache_mode = force_generic_plan;
        insert into timeline_entries (user_id, post_id, author_id)
        select f.follower_id, @PostId, @AuthorId from follows f
        where f.followee_id = @AuthorId
          and (select last_active_at from users where id = f.follower_id) > now() - @activeFor
          and (select follower_count from users where id = @AuthorId) <= @threshold
          and exists (select 1 from posts where id = @PostId)
        on conflict do nothing;
        select user_id from timeline_entries where post_id = @PostId and user_id <> @AuthorId;
        """;
}
