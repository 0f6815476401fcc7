using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// Home timeline pages from the cache: the page's id list under the reader's current timeline version, then the
/// post objects in one batched read. With everything cached a page runs no SQL at all; with nothing cached it runs
/// the three statements of <see cref="TimelineStore"/> and writes what it read to the cache in the background: a
/// miss costs the query plus one cache write, with no distributed lock (a page is one reader's; each clone still
/// loads a page once however many of its requests ask at the same time).
/// </summary>
public sealed class CachedTimeline(IFusionCache cache, TimelineStore timelines, CachedPosts posts, TimelineVersions versions, CacheTelemetry telemetry)
{
    private const string Kind = "timeline";

    /// <summary>
    /// Id lists live a minute: long enough to serve a burst of reads, short enough that a celebrity's new post (not
    /// fanned out, so no version change) or a version change lost while Redis was away shows within that time.
    /// A new version is a new key that no clone holds yet: nobody needs the backplane's message about it.
    /// </summary>
    private static readonly FusionCacheEntryOptions PageOptions = new()
    {
        Duration = TimeSpan.FromSeconds(60),
        JitterMaxDuration = TimeSpan.FromSeconds(5),
        Size = 1024,
        IsFailSafeEnabled = false,
        DistributedCacheHardTimeout = TimeSpan.FromMilliseconds(500),
        SkipDistributedLocker = true,
        SkipBackplaneNotifications = true,
        AllowBackgroundDistributedCacheOperations = true,
    };

    /// <summary>The reader's timeline version (see <see cref="TimelineVersions"/>), or null while Redis is away.</summary>
    public Task<long?> VersionAsync(long userId) => versions.CurrentAsync(userId);

    public async Task<IReadOnlyList<Post>> PageAsync(long userId, long before, int limit, CancellationToken ct) =>
        await PageAsync(userId, await versions.CurrentAsync(userId), before, limit, ct);

    public async Task<IReadOnlyList<Post>> PageAsync(long userId, long? version, long before, int limit, CancellationToken ct)
    {
        if (version is null)
        {
            return await timelines.PageAsync(userId, before, limit, ct);    // Redis is away: Postgres alone, still right
        }

        IReadOnlyList<Post>? loaded = null;
        var ids = await telemetry.GetOrLoadAsync(cache, Kind, $"timeline:{userId}:{version}:{before}:{limit}", async token =>
        {
            loaded = await timelines.PageAsync(userId, before, limit, token);
            await posts.RememberAsync(loaded, token);
            return loaded.Select(p => p.Id).ToArray();
        }, ReadFresh.Options(cache, PageOptions), ct);

        return loaded ?? await posts.FindManyAsync(ids, ct);
    }
}
