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

    public static string Key(long id) => $"post:{id}";

    /// <summary>One post; concurrent misses on every clone wait for a single load (the distributed locker).</summary>
    public Task<Post?> FindAsync(long id, CancellationToken ct) =>
        telemetry.GetOrLoadAsync(cache, Kind, Key(id), token => posts.FindAsync(id, token), null, ct);

    /// <summary>The posts that exist, in the order of the ids asked for.</summary>
    public async Task<IReadOnlyList<Post>> FindManyAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var lookups = await Task.WhenAll(ids.Select(id => cache.TryGetAsync<Post>(Key(id), ReadOnly, ct).AsTask()));
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

    /// <summary>Puts posts just read from Postgres into the cache.</summary>
    public Task RememberAsync(IEnumerable<Post> loaded, CancellationToken ct) =>
        Task.WhenAll(loaded.Select(post => cache.SetAsync(Key(post.Id), post, token: ct).AsTask()));
}
