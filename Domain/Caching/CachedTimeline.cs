using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// Home timeline pages from the cache: the page's id list under the reader's current timeline version, then the
/// post objects in one batched read. With everything cached a page runs no SQL at all; with nothing cached it runs
/// the three statements of <see cref="TimelineStore"/>, and the posts it read go into the cache on the way.
/// </summary>
public sealed class CachedTimeline(IFusionCache cache, TimelineStore timelines, CachedPosts posts, TimelineVersions versions, CacheTelemetry telemetry)
{
    private const string Kind = "timeline";

    /// <summary>
    /// Id lists live a minute: long enough to serve a burst of reads, short enough that a celebrity's new post (not
    /// fanned out, so no version change) or a version change lost while Redis was away shows within that time.
    /// </summary>
    private static readonly FusionCacheEntryOptions PageOptions = new()
    {
        Duration = TimeSpan.FromSeconds(60),
        JitterMaxDuration = TimeSpan.FromSeconds(5),
        Size = 1,
        IsFailSafeEnabled = false,
        DistributedCacheHardTimeout = TimeSpan.FromMilliseconds(500),
    };

    public async Task<IReadOnlyList<Post>> PageAsync(long userId, long before, int limit, CancellationToken ct)
    {
        if (await versions.CurrentAsync(userId) is not { } version)
        {
            return await timelines.PageAsync(userId, before, limit, ct);    // Redis is away: Postgres alone, still right
        }

        var ids = await telemetry.GetOrLoadAsync(cache, Kind, $"timeline:{userId}:{version}:{before}:{limit}", async token =>
        {
            var page = await timelines.PageAsync(userId, before, limit, token);
            await posts.RememberAsync(page, token);
            return page.Select(p => p.Id).ToArray();
        }, PageOptions, ct);

        return await posts.FindManyAsync(ids, ct);
    }
}
