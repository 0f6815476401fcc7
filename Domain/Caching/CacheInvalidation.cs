using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// What every write path calls after it commits, so no clone serves the old object: removing an entry clears it in
/// Redis and, through the backplane, in every clone's own memory; timeline versions move on in Redis.
/// </summary>
public sealed class CacheInvalidation(IFusionCache cache, TimelineVersions versions)
{
    public async Task PostsChangedAsync(IEnumerable<long> postIds, CancellationToken ct)
    {
        foreach (var id in postIds)
        {
            await cache.RemoveAsync(CachedPosts.Key(id), token: ct);
        }
    }

    public async Task UsersChangedAsync(IEnumerable<long> userIds, CancellationToken ct)
    {
        foreach (var id in userIds)
        {
            await cache.RemoveAsync(CachedUsers.Key(id), token: ct);
        }
    }

    public Task TimelinesChangedAsync(IEnumerable<long> userIds) => versions.BumpAsync(userIds);
}
