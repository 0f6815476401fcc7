using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// One post into the home timelines of its author's active followers, in one statement that returns those readers.
/// Followers away longer than Crumbs:Timeline:ActiveFor are skipped: their timelines are rebuilt when they come back
/// (<see cref="HomeFeeds"/>). Authors above the celebrity threshold are skipped too (their posts are merged in when
/// timelines are read). Idempotent in its second form: an entry that is already there stays as it is, and its reader is still named.
/// </summary>
public static class FanOutStatement
{
    /// <summary>
    /// Postgres would plan <see cref="Sql"/> anew for every post: a plan made for the author's own follower count always
    /// looked cheaper than the generic one, which assumed an average author and joined their followers to users by hash
    /// over a sequential scan. Written without a join (each follower's last visit is a primary-key look-up), the generic
    /// plan is the right one for every author, and the fan-out's transaction asks for it: planning was ≈ 13% of
    /// Postgres' CPU per post.
    /// </summary>
    public const string GenericPlan = "set local plan_cache_mode = force_generic_plan";

    /// <summary>
    /// The readers are the active followers the statement chose, and each has the post when it ends: the insert wrote
    /// the row, or (<see cref="Tolerant"/> only) found it there. So the readers are not read back from the timelines:
    /// that read missed a row whose writer the insert had waited for (its snapshot predated the wait), and it needed an
    /// index by post on every timeline row. A data-modifying CTE always runs to its end, whether the outer query reads it or not.
    /// $1 author, $2 post, $3 celebrity threshold, $4 how long a follower counts as active.
    /// </summary>
    private const string Readers = """
        with readers as materialized (
          select f.follower_id from follows f
          where f.followee_id = $1
            and (select last_active_at from users where id = f.follower_id) > now() - $4
            and (select follower_count from users where id = $1) <= $3
            and exists (select 1 from posts where id = $2)),
        written as (
          insert into timeline_entries (user_id, post_id, author_id)
          select follower_id, $2, $1 from readers
        """;

    /// <summary>
    /// The first try: a plain insert, which fails the transaction if any entry is there already. Nearly every post is
    /// new to every timeline, and the plain insert finds its place in the primary key once; <c>on conflict do nothing</c>
    /// looks each row up first and then inserts it, and that look-up was a sixth of Postgres' CPU per post.
    /// </summary>
    private const string Plain = Readers + ")\nselect follower_id from readers";

    /// <summary>
    /// Again after a unique violation (a retry of a message whose entries were written, a follow's backfill or a returning
    /// reader's rebuild that wrote the same row): an entry that is there stays as it is, and its reader is still named.
    /// The insert waits for a concurrent writer of the same row to commit, then skips it.
    /// </summary>
    private const string Tolerant = Readers + "\n  on conflict do nothing)\nselect follower_id from readers";

    public static NpgsqlBatchCommand For(PostCreated post, TimelineOptions options, bool tolerant) => new(tolerant ? Tolerant : Plain)
    {
        Parameters =
        {
            new NpgsqlParameter<long> { TypedValue = post.AuthorId },
            new NpgsqlParameter<long> { TypedValue = post.PostId },
            new NpgsqlParameter<int> { TypedValue = options.CelebrityThreshold },
            new NpgsqlParameter<TimeSpan> { TypedValue = options.ActiveFor },
        },
    };
}
