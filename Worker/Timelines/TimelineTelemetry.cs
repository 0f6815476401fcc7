using System.Diagnostics.Metrics;

namespace Crumbs.Worker.Timelines;

public static class TimelineTelemetry
{
    private static readonly Meter Meter = new(Microsoft.Extensions.Hosting.Telemetry.Name);

    /// <summary>From a post's creation to the moment the last follower timeline holding it is written.</summary>
    public static readonly Histogram<double> FanOutDelay = Meter.CreateHistogram<double>(
        "crumbs.timeline.fanout.delay", "ms", "Time from a post's creation until it is in every follower's timeline");
}
