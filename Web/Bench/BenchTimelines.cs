using System.Text.Json;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Crumbs.Web.Posts;
using Crumbs.Web.Timelines;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Web.Bench;

/// <summary>
/// The four ways of reading the same home timeline page, so the benchmark shows what each lesson buys.
/// Benchmark-only: mapped when Crumbs:Diagnostics:BenchEndpoints is true; the app itself never calls these.
/// </summary>
public sealed class BenchTimelines(NpgsqlDataSource db, Timeline timeline, TimelineStore table, PostStore posts, IConnectionMultiplexer redis,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    private const int Limit = Cursor.DefaultLimit;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);

    /// <summary>1. Before lesson 2: the page computed on every read by joining follows to posts and sorting.</summary>
    public async Task<byte[]> JoinAsync(long user, long before, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var page = await connection.QueryAsync<Post>(new CommandDefinition(
            """
            select p.id, p.author_id as AuthorId, p.author_handle as AuthorHandle, p.author_display_name as AuthorDisplayName,
                   p.author_avatar_url as AuthorAvatarUrl, p.text, p.like_count as LikeCount, p.created_at as CreatedAt
            from follows f join posts p on p.author_id = f.followee_id
            where f.follower_id = @user and p.id < @before
            order by p.id desc limit @limit
            """, new { user, before, limit = Limit }, cancellationToken: ct));
        return Serialize(page.AsList());
    }

    /// <summary>2. Lesson 2: the denormalized timeline table, read as GET /api/timeline reads it on a miss (no JOIN, no cache).</summary>
    public async Task<byte[]> TableAsync(long user, long before, CancellationToken ct) =>
        Serialize(await table.PageAsync(user, before, Limit, ct));

    /// <summary>The app's own read: GET /api/timeline without the session (cache, clone-local page bytes).</summary>
    public Task<byte[]> HomeAsync(long user, long before, CancellationToken ct) => timeline.HomeJsonAsync(user, before, Limit, ct);

    /// <summary>3. Lesson 3, the weaker way: the whole result cached under one key per (user, cursor); any change stales it.</summary>
    public async Task<byte[]> CachedResultAsync(long user, long before, CancellationToken ct)
    {
        var key = $"bench:timeline:{user}:{before}";
        var cache = redis.GetDatabase();
        if (await cache.StringGetAsync(key) is { HasValue: true } hit)
        {
            return (byte[])hit!;
        }

        var page = await TableAsync(user, before, ct);
        await cache.StringSetAsync(key, page, Ttl);
        return page;
    }

    /// <summary>
    /// 4. Lesson 3, the better way: whole objects, each in its own key. The page's id list is an object too, stored with
    /// the reader's timeline version (read in the same MGET), so a fan-out, follow or delete moves past it; then every post
    /// (post-object:{id}, the app's own format) in one MGET, so a post changes in one key. Two Redis round trips, no Postgres while warm, and no
    /// clone-local copies (the app's own read adds those). (Celebrities' posts merged on read are left out here.)
    /// </summary>
    public async Task<byte[]> CachedObjectsAsync(long user, long before, CancellationToken ct)
    {
        var cache = redis.GetDatabase();
        var pageKey = (RedisKey)$"bench:timeline-page:{user}:{before}";
        var head = await cache.StringGetAsync([TimelineVersions.Key(user), pageKey]);
        var version = (long?)head[0] ?? 0;
        var ids = head[1].HasValue && StoredPage.Read((byte[])head[1]!) is { } stored && stored.Version == version ? stored.Ids : null;
        if (ids is null)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            ids = (await connection.QueryAsync<long>(new CommandDefinition(
                "select post_id from timeline_entries where user_id = @user and post_id < @before order by post_id desc limit @limit",
                new { user, before, limit = Limit }, cancellationToken: ct))).ToArray();
            await cache.StringSetAsync(pageKey, StoredPage.WriteIds(version, ids), Ttl);
        }

        var values = await cache.StringGetAsync([.. ids.Select(PostObject.Key)]);
        var found = new Dictionary<long, Post>();
        var missing = new List<long>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (PostObject.Read(values[i]) is { } post)
            {
                found[ids[i]] = post;
            }
            else
            {
                missing.Add(ids[i]);
            }
        }

        if (missing.Count > 0)
        {
            var loaded = await posts.FindManyAsync(missing, ct);
            await cache.ScriptEvaluateAsync(PostObject.WriteUnlessBuried, [.. loaded.Select(p => PostObject.Key(p.Id))],
                [(long)PostObject.Lifetime.TotalSeconds, .. loaded.Select(PostObject.Write)]);
            foreach (var post in loaded)
            {
                found[post.Id] = post;
            }
        }

        return Serialize(ids.Where(found.ContainsKey).Select(id => found[id]).ToList());
    }

    private static readonly HashSet<long> NoLikes = [];

    // The app's own options, as its timeline serializes a page.
    private byte[] Serialize(IReadOnlyList<Post> page) =>
        JsonSerializer.SerializeToUtf8Bytes(PostDto.PageOf(Cursor.PageOf(page, Limit, p => p.Id), NoLikes), json.Value.SerializerOptions);
}
