using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// Home timeline pages from the cache: the page's id list, if Redis holds one for the reader's current timeline
/// version, then the post objects in one batched read. With everything cached a page runs no SQL at all; without the
/// id list it reads the ids from Postgres (the timeline rows and the followed celebrities, one round trip), merges
/// in the celebrities' newest ids from the cache, the posts from the cache, and only the posts the cache lacks from Postgres; then it writes the id list with one SET that
/// nobody waits for, plus the posts it read from Postgres: no distributed lock (a page is one reader's;
/// Web's Timeline shares one build among a clone's concurrent requests), no backplane message, and the id list read
/// in the same round trip as the version.
/// </summary>
public sealed partial class CachedTimeline(IConnectionMultiplexer redis, TimelineStore timelines, CachedPosts posts, CachedLikes likes,
    CachedCelebrityPosts celebrityPosts, TimelineVersions versions, CacheTelemetry telemetry, ILogger<CachedTimeline> logger)
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
            return await StoredAsync(userId, key, known);
        }

        // The reader's likes version too: a miss that reads all their likes anyway may then cache them (ViewAsync).
        var (version, others) = await versions.FetchWithAsync(userId, key, CachedLikes.VersionKey(userId));
        return version is { } v ? new PageRead(v, IdsUnder(others[0], v), (string?)others[1] ?? "") : new PageRead(null, null);
    }

    /// <summary>
    /// The page's posts and which of them the reader likes (the API's <c>likedByMe</c>). With the id list cached, the
    /// posts' MGET and the likes' SMISMEMBER are sent together; on a miss the likes come with the timeline rows, in
    /// the same round trip to Postgres, so a cold page asks Redis nothing about likes (<see cref="TimelineEntries.LikedAmong"/>).
    /// </summary>
    public async Task<TimelinePage> ViewAsync(long userId, PageRead read, long before, int limit, CancellationToken ct)
    {
        if (read.Version is null)
        {
            var (page, liked, _) = await ReadFromPostgresAsync(userId, before, limit, ct);   // Redis is away: still right
            return new TimelinePage(page, liked ?? await likes.LikedAmongAsync(userId, IdsOf(page), ct));
        }

        if (read.Ids is { } ids)
        {
            telemetry.Hits(Kind, 1);
            var found = posts.FindManyAsync(ids, ct);
            var likedAmong = likes.LikedAmongAsync(userId, ids, ct);
            await Task.WhenAll(found, likedAmong);
            return new TimelinePage(await found, await likedAmong);
        }

        var loaded = await LoadAndRememberAsync(userId, read, before, limit, ct);
        if (read.LikesVersion is { } likesVersion && loaded.AllLikes is { } all)
        {
            likes.RememberIfAbsent(userId, likesVersion, all);   // so the next read of a cached id list asks no SQL
        }

        return new TimelinePage(loaded.Posts, loaded.Liked ?? await likes.LikedAmongAsync(userId, IdsOf(loaded.Posts), ct));
    }

    private async Task<Loaded> LoadAndRememberAsync(long userId, PageRead read, long before, int limit, CancellationToken ct)
    {
        var loaded = await telemetry.LoadAsync(Kind, 1, () => LoadAsync(userId, before, limit, ct));
        Remember(PageKey(userId, before, limit), read.Version!.Value, loaded.Posts);
        return loaded;
    }

    /// <summary>
    /// A page the cache has no id list for: the ids from the reader's timeline rows, merged with the followed
    /// celebrities' newest from the cache (<see cref="CachedCelebrityPosts"/>); the posts from the cache, and only the
    /// posts it does not hold from Postgres, then cached. Posts are shared by every timeline they appear in, so most of
    /// a cold page's posts are cached already: a miss reads ids, not rows. Without every window cached, or when one
    /// does not reach down to the page, the celebrities' posts come from Postgres with the missing ones.
    /// </summary>
    private async Task<Loaded> LoadAsync(long userId, long before, int limit, CancellationToken ct)
    {
        var entries = await timelines.EntriesAsync(userId, before, limit, ct);
        if (await MergedIdsAsync(entries, before, limit, ct) is { } ids)
        {
            return Loaded.From(await posts.FindManyAsync(ids, ct), entries, before);
        }

        var held = await posts.HeldAsync(entries.Ids, ct);
        var missing = entries.Ids.Where(id => !held.ContainsKey(id)).ToHashSet();
        var read = await timelines.PostsAsync(missing, entries.Celebrities, before, limit, ct, entries.Floor(limit));
        posts.Remember(read.Where(p => missing.Contains(p.Id)));   // a celebrity's posts are merged, not kept
        return Loaded.From([.. held.Values.Concat(read).DistinctBy(p => p.Id).OrderByDescending(p => p.Id).Take(limit)], entries, before);
    }

    private async Task<long[]?> MergedIdsAsync(TimelineEntries entries, long before, int limit, CancellationToken ct) =>
        entries.Celebrities.Length == 0 ? entries.Ids
        : await celebrityPosts.CachedAsync(entries.Celebrities, ct) is { } windows
            ? TimelineMerge.Page(entries.Ids, limit, before, windows, CachedCelebrityPosts.Window)
            : null;

    private async Task<Loaded> ReadFromPostgresAsync(long userId, long before, int limit, CancellationToken ct)
    {
        var entries = await timelines.EntriesAsync(userId, before, limit, ct);
        return Loaded.From(await timelines.PostsAsync(entries.Ids, entries.Celebrities, before, limit, ct, entries.Floor(limit)), entries, before);
    }

    private static List<long> IdsOf(IReadOnlyList<Post> page) => [.. page.Select(p => p.Id)];

    /// <summary>
    /// A page read past the id list; the reader's likes among it when the timeline rows' read could tell; and all their
    /// likes when that read saw all of them (see <see cref="TimelineEntries.AllLikes"/>).
    /// </summary>
    private sealed record Loaded(IReadOnlyList<Post> Posts, IReadOnlySet<long>? Liked, long[]? AllLikes)
    {
        public static Loaded From(IReadOnlyList<Post> posts, TimelineEntries entries, long before) =>
            new(posts, entries.LikedAmong(IdsOf(posts)), entries.AllLikes(before));
    }

    /// <summary>Not the FusionCache key of old (a hash): a clone of the previous build never reads this one.</summary>
    private static RedisKey PageKey(long userId, long before, int limit) => $"timeline-page:{userId}:{before}:{limit}";

    /// <summary>The id list under a version this clone holds, and the reader's likes version: one MGET.</summary>
    private async Task<PageRead> StoredAsync(long userId, RedisKey key, long version)
    {
        try
        {
            var values = await redis.GetDatabase().StringGetAsync([key, CachedLikes.VersionKey(userId)]).WaitAsync(StoredPageTimeout);
            return new PageRead(version, IdsUnder(values[0], version), (string?)values[1] ?? "");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e);
            return new PageRead(version, null);
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

/// <summary>
/// What a timeline read found: the version (null while Redis is away), the cached id list if any, and the reader's
/// likes version when it was read in the same round trip.
/// </summary>
public sealed record PageRead(long? Version, long[]? Ids, string? LikesVersion = null);

/// <summary>A home timeline page as its reader sees it: the posts, and the ids of those the reader likes.</summary>
public sealed record TimelinePage(IReadOnlyList<Post> Posts, IReadOnlySet<long> Liked);
