using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// Read-your-writes, by design: a request from someone who has just written (the web marks it, see
/// Web/Hosting/FreshReads.cs) reads past every clone-local copy, to Redis, which every write path has already
/// corrected before it answered. Everyone else may see a clone's copy for up to <see cref="CacheOptions.LocalFor"/>.
/// </summary>
public static class ReadFresh
{
    private static readonly AsyncLocal<bool> Flag = new();

    public static bool Required => Flag.Value;

    /// <summary>For the rest of this async flow (a request, or the async method that calls it and what it awaits).</summary>
    public static void Require() => Flag.Value = true;

    /// <summary>The options of a cached read: as given, or, when fresh reads are required, past this clone's copy.</summary>
    public static FusionCacheEntryOptions? Options(IFusionCache cache, FusionCacheEntryOptions? options)
    {
        if (!Required)
        {
            return options;
        }

        var fresh = (options ?? cache.DefaultEntryOptions).Duplicate();
        fresh.SkipMemoryCacheRead = true;
        return fresh;
    }
}
