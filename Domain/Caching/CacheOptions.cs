using System.ComponentModel.DataAnnotations;

namespace Crumbs.Domain.Caching;

/// <summary>Crumbs:Cache: how long and how much a clone may keep of its own.</summary>
public sealed class CacheOptions
{
    public const string Section = "Crumbs:Cache";

    /// <summary>
    /// The longest any clone-local copy lives (users, posts, sessions, timeline versions and pages): the bound on
    /// how stale another reader's view can be, even when an invalidation message is lost. At most one second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan LocalFor { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes of cached objects (users, posts, id lists) a clone keeps in memory, by estimated size.</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long ObjectBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bytes of serialized timeline pages a clone keeps in memory, by exact size.</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long PageBytes { get; set; } = 32L * 1024 * 1024;
}
