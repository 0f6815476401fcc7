using Crumbs.Domain.Posts;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Domain.Timelines;

/// <summary>
/// Reads a home timeline written ahead of time: one range read of timeline_entries, the reader's followees who are
/// too popular to fan out, and one batched fetch of the posts (the celebrities' newest posts merged in on read).
/// Three statements, none with a JOIN, whatever the number of accounts the reader follows.
/// </summary>
public sealed class TimelineStore(NpgsqlDataSource db, IOptions<TimelineOptions> options)
{
    /// <summary>Authors with more followers than this are not fanned out; their posts are merged in when read.</summary>
    public int CelebrityThreshold => options.Value.CelebrityThreshold;

    public async Task<IReadOnlyList<Post>> PageAsync(long userId, long before, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(
            "select post_id from timeline_entries where user_id = @userId and post_id < @before order by post_id desc limit @limit",
            new { userId, before, limit }, cancellationToken: ct))).AsList();
        var celebrities = (await connection.QueryAsync<long>(new CommandDefinition(
            """
            select followee_id from follows
            where follower_id = @userId and followee_id = any(select id from users where follower_count > @threshold)
            """, new { userId, threshold = CelebrityThreshold }, cancellationToken: ct))).AsList();
        if (ids.Count == 0 && celebrities.Count == 0)
        {
            return [];
        }

        var posts = await connection.QueryAsync<Post>(new CommandDefinition(
            $"""
            select {PostStore.Columns} from posts where id = any(@ids)
            union
            (select {PostStore.Columns} from posts where author_id = any(@celebrities) and id < @before order by id desc limit @limit)
            """, new { ids = ids.ToArray(), celebrities = celebrities.ToArray(), before, limit }, cancellationToken: ct));
        return posts.OrderByDescending(p => p.Id).Take(limit).ToList();
    }
}
