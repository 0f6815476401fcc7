using System.ComponentModel.DataAnnotations;

namespace Crumbs.Domain.Timelines;

/// <summary>Crumbs:Timeline: who is too popular to fan out, and whose home timelines are kept at all.</summary>
public sealed class TimelineOptions
{
    public const string Section = "Crumbs:Timeline";

    /// <summary>Authors with more followers than this are not fanned out; their posts are merged in when read.</summary>
    [Range(1, int.MaxValue)]
    public int CelebrityThreshold { get; set; } = 1000;

    /// <summary>
    /// Users seen within this window (a sign-in, or a request with their session) are active: the fan-out writes to
    /// their home timelines. The others are skipped, and their timelines are rebuilt when they come back.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ActiveFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often, at most, a user's last activity is written: once an hour keeps it off the hot reads.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TouchEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A returning user's rebuilt home timeline holds at most this many of the newest posts.</summary>
    [Range(1, 100_000)]
    public int RebuildSize { get; set; } = 800;
}
