using Crumbs.Domain.Posts;
using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// Post objects by id. A page of posts is read from the cache all at once (the clone's own copies first, then the
/// rest from Redis in one pipelined batch), and only the posts still missing go to Postgres, in one statement.
/// </summary>
public sealed class CachedPosts(IFusionCache cache, PostStore posts, CacheTelemetry telemetry)
{
    private const string Kind = "post";
    private static readonly FusionCacheEntryOptions ReadOnly = new() { SkipDistributedLocker = true };

    /// <summary>
    /// Posts just read from Postgres: written to Redis in the background, with no backplane message (a copy another
    /// clone holds is at most <see cref="CacheOptions.LocalFor"/> old and was right when it was read).
    /// </summary>
    private static readonly FusionCacheEntryOptions Loaded = new()
    {
        Duration = TimeSpan.FromMinutes(10),
        JitterMaxDuration = TimeSpan.FromSeconds(30),
        Size = 1024,
        IsFailSafeEnabled = false,
        DistributedCacheHardTimeout = TimeSpan.FromMilliseconds(500),
        SkipBackplaneNotifications = true,
        AllowBackgroundDistributedCacheOperations = true,
    };

    public static string Key(long id) => $"post:{id}";

    /// <summary>One post; concurrent misses on every clone wait for a single load (the distributed locker).</summary>
    public Task<Post?> FindAsync(long id, CancellationToken ct) =>
        telemetry.GetOrLoadAsync(cache, Kind, Key(id), token => posts.FindAsync(id, token), ReadFresh.Options(cache, null), ct);

    /// <summary>The posts that exist, in the order of the ids asked for.</summary>
    public async Task<IReadOnlyList<Post>> FindManyAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var options = ReadFresh.Options(cache, ReadOnly);
        var lookups = await Task.WhenAll(ids.Select(id => cache.TryGetAsync<Post>(Key(id), options, ct).AsTask()));
        var found = new Dictionary<long, Post>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (lookups[i].HasValue)
            {
                found[ids[i]] = lookups[i].Value;
            }
        }

        telemetry.Hits(Kind, found.Count);
        var missing = ids.Where(id => !found.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var loaded = await telemetry.LoadAsync(Kind, missing.Count, () => posts.FindManyAsync(missing, ct));
            await RememberAsync(loaded, ct);
            foreach (var post in loaded)
            {
                found[post.Id] = post;
            }
        }

        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>A look at this clone's own copy only: no Redis read, no lock.</summary>
    private static readonly FusionCacheEntryOptions HeldHere = new() { SkipDistributedCacheRead = true, SkipDistributedLocker = true };

    /// <summary>
    /// Puts posts just read from Postgres into the cache: this clone's copy now, Redis in the background. A post this
    /// clone already holds is skipped: its copy came from Redis or was written there, and a change since would have
    /// dropped it (the backplane). Always through the async API: FusionCache's synchronous Set writes Redis with
    /// blocking calls on pool threads, which starved the thread pool under a stream of misses.
    /// </summary>
    public async Task RememberAsync(IEnumerable<Post> loaded, CancellationToken ct)
    {
        List<Task>? writes = null;
        foreach (var post in loaded)
        {
            if (!(await cache.TryGetAsync<Post>(Key(post.Id), HeldHere, ct)).HasValue)
            {
                (writes ??= []).Add(cache.SetAsync(Key(post.Id), post, Loaded, ct).AsTask());
            }
        }

        if (writes is not null)
        {
            await Task.WhenAll(writes);
        }
    }
}
