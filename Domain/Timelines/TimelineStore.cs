using Crumbs.Domain.Posts;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Domain.Timelines;

/// <summary>
/// Reads a home timeline written ahead of time: one range read of timeline_entries and which of the baked celebrities
/// (<see cref="Celebrities"/>) the reader follows (one round trip), then one batched fetch of the posts (the
/// celebrities' newest posts merged in on read). Three statements, each on one table with no JOIN, whatever the
/// reader follows; the cache skips the third for the posts it holds.
/// </summary>
public sealed class TimelineStore(NpgsqlDataSource db, IOptions<TimelineOptions> options, Celebrities celebrityList)
{
    /// <summary>Authors with more followers than this are not fanned out; their posts are merged in when read.</summary>
    public int CelebrityThreshold => options.Value.CelebrityThreshold;

    public async Task<IReadOnlyList<Post>> PageAsync(long userId, long before, int limit, CancellationToken ct)
    {
        var entries = await EntriesAsync(userId, before, limit, ct);
        return await PostsAsync(entries.Ids, entries.Celebrities, before, limit, ct);
    }

    /// <summary>
    /// The page's post ids from the reader's timeline rows and which celebrities the reader follows: two statements in
    /// one round trip. The posts themselves come from the cache (CachedTimeline) or from <see cref="PostsAsync"/>.
    /// </summary>
    public async Task<TimelineEntries> EntriesAsync(long userId, long before, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var all = await celebrityList.AllAsync(connection, ct);
        await using var read = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            select post_id from timeline_entries where user_id = @userId and post_id < @before order by post_id desc limit @limit;
            select followee_id from follows where follower_id = @userId and followee_id = any(@all);
            """, new { userId, before, limit, all }, cancellationToken: ct));
        return new TimelineEntries([.. await read.ReadAsync<long>()], [.. await read.ReadAsync<long>()]);
    }

    /// <summary>
    /// These posts, and the followed celebrities' newest before <paramref name="before"/> (merged in on read): one
    /// statement, newest first, at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<Post>> PostsAsync(IReadOnlyCollection<long> ids, IReadOnlyCollection<long> celebrities,
        long before, int limit, CancellationToken ct)
    {
        if (ids.Count == 0 && celebrities.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var posts = await connection.QueryAsync<Post>(new CommandDefinition(
            $"""
            select {PostStore.Columns} from posts where id = any(@ids)
            union
            (select {PostStore.Columns} from posts where author_id = any(@celebrities) and id < @before order by id desc limit @limit)
            """, new { ids = ids.ToArray(), celebrities = celebrities.ToArray(), before, limit }, cancellationToken: ct));
        return posts.OrderByDescending(p => p.Id).Take(limit).ToList();
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

        var posts = await connection.QueryAsync<Post>(new CommandDefinition(
            $"""
            select {PostStore.Columns} from posts where id = any(@ids)
            union
            (select {PostStore.Columns} from posts where author_id = any(@celebrities) and id > @after order by id limit @limit)
            """, new { ids = ids.ToArray(), celebrities = celebrities.ToArray(), after, limit }, cancellationToken: ct));
        return posts.OrderBy(p => p.Id).Take(limit).Reverse().ToList();
    }

    /// <summary>Which of the baked celebrities the reader follows: their posts are merged in on read.</summary>
    private async Task<List<long>> FollowedCelebritiesAsync(NpgsqlConnection connection, long userId, CancellationToken ct)
    {
        var all = await celebrityList.AllAsync(connection, ct);
        return all.Length == 0 ? [] : (await connection.QueryAsync<long>(new CommandDefinition(
            "select followee_id from follows where follower_id = @userId and followee_id = any(@all)",
            new { userId, all }, cancellationToken: ct))).AsList();
    }
}

/// <summary>A home timeline page's post ids from its rows, and the followed celebrities whose posts are merged in.</summary>
public sealed record TimelineEntries(long[] Ids, long[] Celebrities);
