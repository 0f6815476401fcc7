using System.Diagnostics.Metrics;

namespace Crumbs.Worker.Timelines;

public sealed class TimelineTelemetry(IMeterFactory meters)
{
    /// <summary>From a post's creation to the moment the last follower timeline holding it is written.</summary>
    public Histogram<double> FanOutDelay { get; } = meters.Create(Microsoft.Extensions.Hosting.Telemetry.Name).CreateHistogram<double>(
        "crumbs.timeline.fanout.delay", "ms", "Time from a post's creation until it is in every follower's timeline");

    /// <summary>Fan-out groups written a second time, skipping entries that were there already (a retry, a backfill, a rebuild).</summary>
    public Counter<long> FanOutRewritten { get; } = meters.Create(Microsoft.Extensions.Hosting.Telemetry.Name).CreateCounter<long>(
        "crumbs.timeline.fanout.rewritten", "{group}", "Fan-out groups written again because one of their entries was there already");
}
