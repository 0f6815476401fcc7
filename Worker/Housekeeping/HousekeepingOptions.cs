using System.ComponentModel.DataAnnotations;

namespace Crumbs.Worker.Housekeeping;

/// <summary>Crumbs:Housekeeping: how often the worker forgets what is long done, and how long each kind is kept.</summary>
public sealed class HousekeepingOptions
{
    public const string Section = "Crumbs:Housekeeping";

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement, so a prune never holds long locks or bloats one transaction.</summary>
    [Range(10, 100_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>Sent outbox rows and processed-message records: far longer than any redelivery can arrive.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan MessagesKeptFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Probe rows: a probe is read back within minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan ProbesKeptFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A picture no profile and no post refers to any more is deleted after this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan OrphanedMediaKeptFor { get; set; } = TimeSpan.FromDays(1);
}
