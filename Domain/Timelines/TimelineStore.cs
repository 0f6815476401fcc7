using Crumbs.Domain.Posts;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Domain.Timelines;

/// <summary>
/// Reads a home timeline written ahead of time: one range read of timeline_entries and one of whom the reader follows,
/// kept to the baked celebrities (<see cref="Celebrities"/>; one round trip), then one batched fetch of the posts (the
/// celebrities' newest posts merged in on read). Three statements, each on one table with no JOIN, whatever the
/// reader follows; the cache skips the third for the posts it holds.
/// </summary>
public sealed class TimelineStore(NpgsqlDataSource db, IOptions<TimelineOptions> options, Celebrities celebrityList)
{
    /// <summary>Authors with more followers than this are not fanned out; their posts are merged in when read.</summary>
    public int CelebrityThreshold => options.Value.CelebrityThreshold;

    public async Task<IReadOnlyList<Post>> PageAsync(long userId, long before, int limit, CancellationToken ct)
    {
        var entries = await EntriesAsync(userId, before, limit, ct, withLikes: false);
        return await PostsAsync(entries.Ids, entries.Celebrities, before, limit, ct, entries.Floor(limit));
    }

    /// <summary>
    /// The page's post ids from the reader's timeline rows, which celebrities the reader follows, and the reader's newest
    /// likes before the cursor: three statements, each a range read of one primary key, in one round trip. The posts
    /// themselves come from the cache (CachedTimeline) or from <see cref="PostsAsync"/>; the likes say which of them
    /// the reader likes with no further round trip (<see cref="TimelineEntries.LikedAmong"/>).
    /// </summary>
    public async Task<TimelineEntries> EntriesAsync(long userId, long before, int limit, CancellationToken ct, bool withLikes = true)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var all = await celebrityList.AllAsync(connection, ct);
        var statements = new List<string> { TimelineRows };
        if (all.Count > 0)
        {
            statements.Add(Celebrities.Followees);
        }

        if (withLikes)
        {
            statements.Add(Likes);
        }

        await using var read = await connection.QueryMultipleAsync(new CommandDefinition(string.Join(";\n", statements),
            new { userId, before, limit, likes = TimelineEntries.LikesRead }, cancellationToken: ct));
        var ids = (await read.ReadAsync<long>()).ToArray();
        var celebrities = all.Count > 0 ? Celebrities.Among(all, await read.ReadAsync<long>()) : [];
        return new TimelineEntries(ids, celebrities, withLikes ? [.. await read.ReadAsync<long>()] : null);
    }

    private const string TimelineRows =
        "select post_id from timeline_entries where user_id = @userId and post_id < @before order by post_id desc limit @limit";

    private const string Likes =
        "select post_id from likes where user_id = @userId and post_id < @before order by post_id desc limit @likes";

    /// <summary>
    /// These posts, and the followed celebrities' newest before <paramref name="before"/> (merged in on read): one
    /// statement, newest first, at most <paramref name="limit"/>. A celebrity's post at or below
    /// <paramref name="floor"/> cannot make the page (<see cref="TimelineEntries.Floor"/>), so it is not read.
    /// </summary>
    public async Task<IReadOnlyList<Post>> PostsAsync(IReadOnlyCollection<long> ids, IReadOnlyCollection<long> celebrities,
        long before, int limit, CancellationToken ct, long floor = 0)
    {
        if (ids.Count == 0 && celebrities.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var read = await connection.QueryAsync<Post>(Windowed(ids, celebrities, floor, before, limit, newer: false, ct));
        return [.. read.DistinctBy(p => p.Id).OrderByDescending(p => p.Id).Take(limit)];
    }

    /// <summary>
    /// The posts of the home timeline right after <paramref name="after"/> (the oldest <paramref name="limit"/> of
    /// those newer), newest first: what an open page missed. Read from Postgres: asked rarely, and it must include a
    /// celebrity's post that a cached page list (merged on read, no version change) would not show for up to a minute.
    /// </summary>
    public async Task<IReadOnlyList<Post>> NewerAsync(long userId, long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(
            "select post_id from timeline_entries where user_id = @userId and post_id > @after order by post_id limit @limit",
            new { userId, after, limit }, cancellationToken: ct))).AsList();
        var celebrities = await FollowedCelebritiesAsync(connection, userId, ct);
        if (ids.Count == 0 && celebrities.Count == 0)
        {
            return [];
        }

        var ceiling = ids.Count >= limit ? ids[^1] : long.MaxValue;   // ascending: no celebrity's post above the last can make it
        var posts = await connection.QueryAsync<Post>(Windowed(ids, celebrities, after, ceiling, limit, newer: true, ct));
        return posts.DistinctBy(p => p.Id).OrderBy(p => p.Id).Take(limit).Reverse().ToList();
    }

    /// <summary>
    /// One statement: the posts by id, and each celebrity's window (its posts between <paramref name="lower"/> and
    /// <paramref name="upper"/>, at most <paramref name="limit"/> from the end the page starts at) as its own arm,
    /// which only that author's index serves. Each part is left out when it
    /// has nothing to read. Written this way because Postgres plans a prepared statement once for all values: given
    /// <c>author_id = any(@celebrities) … order by id</c> over a small table, it walked the whole posts table by
    /// primary key to find the celebrities' posts, even for a reader who follows none (≈ 380 pages read on every
    /// page of the 10k-post sweep, 4.5 ms of Postgres each).
    /// </summary>
    private static CommandDefinition Windowed(IReadOnlyCollection<long> ids, IReadOnlyCollection<long> celebrities,
        long lower, long upper, int limit, bool newer, CancellationToken ct)
    {
        var parameters = new DynamicParameters(new { lower, upper, limit });
        var arms = new List<string>();
        if (ids.Count > 0)
        {
            parameters.Add("ids", ids.ToArray());
            arms.Add($"select {PostStore.Columns} from posts where id = any(@ids)");
        }

        var order = newer ? "id" : "id desc";
        foreach (var (celebrity, i) in celebrities.Select((c, i) => (c, i)))
        {
            parameters.Add($"c{i}", celebrity);
            arms.Add($"(select {PostStore.Columns} from posts where author_id = @c{i} and id > @lower and id < @upper order by {order} limit @limit)");
        }

        // With celebrities' arms, Postgres merges and cuts the page itself: up to limit rows an arm, but only the page's
        // go back to the web (a reader who follows six sent up to 140 rows for 20). A post in both parts comes once.
        var merged = string.Join("\nunion all\n", arms);
        return new CommandDefinition(arms.Count == 1 ? merged
            : $"select distinct on (id) * from (\n{merged}\n) page order by {order} limit @limit", parameters, cancellationToken: ct);
    }

    /// <summary>Which of the baked celebrities the reader follows: their posts are merged in on read.</summary>
    private async Task<List<long>> FollowedCelebritiesAsync(NpgsqlConnection connection, long userId, CancellationToken ct)
    {
        var all = await celebrityList.AllAsync(connection, ct);
        return all.Count == 0 ? [] : [.. Celebrities.Among(all, await connection.QueryAsync<long>(new CommandDefinition(
            Celebrities.Followees, new { userId }, cancellationToken: ct)))];
    }
}

/// <summary>
/// A home timeline page's post ids from its rows, the followed celebrities whose posts are merged in, and the reader's
/// newest <see cref="LikesRead"/> likes before the page's cursor, newest first.
/// </summary>
public sealed record TimelineEntries(long[] Ids, long[] Celebrities, long[]? RecentLikes)
{
    /// <summary>Enough for any page of a reader who likes less than this many posts within its span: nearly everyone.</summary>
    public const int LikesRead = 64;

    /// <summary>
    /// Which of the page's posts the reader likes, from <see cref="RecentLikes"/>: every like from the cursor down to
    /// the oldest one read, so exact for a page whose oldest post is not older than that. Null when it is (the reader
    /// liked more than <see cref="LikesRead"/> posts within the page's span) or the likes were not read: then ask.
    /// </summary>
    public IReadOnlySet<long>? LikedAmong(IReadOnlyCollection<long> pageIds)
    {
        if (RecentLikes is null || (pageIds.Count > 0 && RecentLikes.Length == LikesRead && RecentLikes[^1] > pageIds.Min()))
        {
            return null;
        }

        var liked = RecentLikes.ToHashSet();
        liked.IntersectWith(pageIds);
        return liked;
    }

    /// <summary>
    /// The oldest of a full page of the reader's own rows (newest first), or 0: no merged-in post at or below it can
    /// make the page, since <paramref name="limit"/> newer ones are already there.
    /// </summary>
    public long Floor(int limit) => Ids.Length >= limit ? Ids[^1] : 0;

    /// <summary>Every like of the reader, when this read saw them all: a first page (no cursor) with fewer than <see cref="LikesRead"/>.</summary>
    public long[]? AllLikes(long before) => before == long.MaxValue && RecentLikes is { Length: < LikesRead } all ? all : null;
}
