using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// Home timeline pages from the cache: the page's id list, if Redis holds one for the reader's current timeline
/// version, then the post objects in one batched read. With everything cached a page runs no SQL at all; without the
/// id list it reads the ids from Postgres (the timeline rows and the followed celebrities, one round trip), the posts
/// from the cache, and only the posts the cache lacks from Postgres; then it writes the id list with one SET that
/// nobody waits for, plus the posts it read from Postgres: no distributed lock (a page is one reader's;
/// Web's Timeline shares one build among a clone's concurrent requests), no backplane message, and the id list read
/// in the same round trip as the version.
/// </summary>
public sealed partial class CachedTimeline(IConnectionMultiplexer redis, TimelineStore timelines, CachedPosts posts,
    TimelineVersions versions, CacheTelemetry telemetry, ILogger<CachedTimeline> logger)
{
    private const string Kind = "timeline";

    /// <summary>
    /// Id lists live a minute: long enough to serve a burst of reads, short enough that a celebrity's new post (not
    /// fanned out, so no version change) or a version change lost while Redis was away shows within that time.
    /// </summary>
    private static readonly TimeSpan PageLifetime = TimeSpan.FromSeconds(60);

    /// <summary>The cache's second-level budget (as FusionCache's hard timeout): a hung Redis costs a page 0.5 s, then Postgres.</summary>
    private static readonly TimeSpan StoredPageTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>The reader's timeline version (see <see cref="TimelineVersions"/>), or null while Redis is away.</summary>
    public Task<long?> VersionAsync(long userId) => versions.CurrentAsync(userId);

    /// <summary>The version this clone already holds, with no round trip.</summary>
    public bool TryGetLocalVersion(long userId, out long version) => versions.TryGetLocal(userId, out version);

    /// <summary>
    /// The reader's version and the page's cached id list, in one round trip (one when the version is known here):
    /// the id list only if it was cached under that version. A null version means Redis is away.
    /// </summary>
    public async Task<PageRead> ReadAsync(long userId, long before, int limit)
    {
        var key = PageKey(userId, before, limit);
        if (versions.TryGetLocal(userId, out var known))
        {
            return new PageRead(known, await StoredIdsAsync(key, known));
        }

        var (version, stored) = await versions.FetchWithAsync(userId, key);
        return new PageRead(version, version is { } v ? IdsUnder(stored, v) : null);
    }

    public async Task<IReadOnlyList<Post>> PageAsync(long userId, long before, int limit, CancellationToken ct) =>
        await PostsAsync(userId, await ReadAsync(userId, before, limit), before, limit, ct);

    /// <summary>The page's posts: from the cached id list when there is one, else from Postgres, then cached.</summary>
    public async Task<IReadOnlyList<Post>> PostsAsync(long userId, PageRead read, long before, int limit, CancellationToken ct)
    {
        if (read.Version is not { } version)
        {
            return await timelines.PageAsync(userId, before, limit, ct);    // Redis is away: Postgres alone, still right
        }

        if (read.Ids is { } ids)
        {
            telemetry.Hits(Kind, 1);
            return await posts.FindManyAsync(ids, ct);
        }

        var loaded = await telemetry.LoadAsync(Kind, 1, () => LoadAsync(userId, before, limit, ct));
        Remember(PageKey(userId, before, limit), version, loaded);
        return loaded;
    }

    /// <summary>
    /// A page the cache has no id list for: the ids from the reader's timeline rows, the posts from the cache, and only
    /// the posts it does not hold (with the followed celebrities' newest) from Postgres, then cached. Posts are shared
    /// by every timeline they appear in, so most of a cold page's posts are cached already: a miss reads ids, not rows.
    /// </summary>
    private async Task<IReadOnlyList<Post>> LoadAsync(long userId, long before, int limit, CancellationToken ct)
    {
        var entries = await timelines.EntriesAsync(userId, before, limit, ct);
        var held = await posts.HeldAsync(entries.Ids, ct);
        if (held.Count == entries.Ids.Length && entries.Celebrities.Length == 0)
        {
            return [.. entries.Ids.Where(held.ContainsKey).Select(id => held[id])];
        }

        var missing = entries.Ids.Where(id => !held.ContainsKey(id)).ToHashSet();
        var read = await timelines.PostsAsync(missing, entries.Celebrities, before, limit, ct);
        posts.Remember(read.Where(p => missing.Contains(p.Id)));   // a celebrity's posts are merged, not kept
        return [.. held.Values.Concat(read).DistinctBy(p => p.Id).OrderByDescending(p => p.Id).Take(limit)];
    }

    /// <summary>Not the FusionCache key of old (a hash): a clone of the previous build never reads this one.</summary>
    private static RedisKey PageKey(long userId, long before, int limit) => $"timeline-page:{userId}:{before}:{limit}";

    private async Task<long[]?> StoredIdsAsync(RedisKey key, long version)
    {
        try
        {
            return IdsUnder(await redis.GetDatabase().StringGetAsync(key).WaitAsync(StoredPageTimeout), version);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e);
            return null;
        }
    }

    /// <summary>The id list, if the stored page was cached under this version; one under another version is a miss.</summary>
    private static long[]? IdsUnder(RedisValue stored, long version) =>
        stored.HasValue && StoredPage.Read((byte[])stored!) is { Version: var v, Ids: var ids } && v == version ? ids : null;

    /// <summary>One SET, sent without waiting for its answer: a lost one costs the next reader a miss, nothing more.</summary>
    private void Remember(RedisKey key, long version, IReadOnlyList<Post> page)
    {
        try
        {
            _ = redis.GetDatabase().StringSetAsync(key, StoredPage.Write(version, page), PageLifetime, flags: CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable for timeline pages")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}

/// <summary>What a timeline read found: the version (null while Redis is away) and the cached id list, if any.</summary>
public sealed record PageRead(long? Version, long[]? Ids);
