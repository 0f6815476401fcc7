using System.ComponentModel.DataAnnotations;

namespace Crumbs.Worker.Baking;

/// <summary>How often the bakers run and how long a replica's turn lasts without renewal (Crumbs:Baking:*).</summary>
public sealed class BakingOptions
{
    public const string Section = "Crumbs:Baking";

    /// <summary>Time between scheduled bakes, counted from the start of the last one by any replica.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the lease holds without renewal: the longest that baking pauses after its replica dies.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often each replica takes or renews the lease and looks for "bake now".</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most recently active users whose suggestions are due who get them in one bake.</summary>
    [Range(1, 10_000_000)]
    public int ActiveUsers { get; set; } = 1_000;

    /// <summary>How long a user's suggestions stand before they are baked again (sooner after they follow someone).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan SuggestionsRefreshAfter { get; set; } = TimeSpan.FromHours(1);
}
