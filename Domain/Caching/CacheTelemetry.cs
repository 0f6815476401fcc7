using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Crumbs.Domain.Caching;

/// <summary>Hits, misses, load time and hit ratio per kind of object, on the "Crumbs" meter (seen in the dashboard).</summary>
public static class CacheTelemetry
{
    // The app's meter, which every host exports (ServiceDefaults/Telemetry.cs); Domain names it without referencing the hosts' defaults.
    private static readonly Meter Meter = new("Crumbs");
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("crumbs.cache.requests", description: "Cached object reads, by kind and result (hit or miss)");
    private static readonly Histogram<double> Loads = Meter.CreateHistogram<double>("crumbs.cache.load.duration", "ms", "Time to load missing objects from Postgres");
    private static readonly ConcurrentDictionary<string, (long Hits, long Misses)> Totals = new();

    static CacheTelemetry() => Meter.CreateObservableGauge("crumbs.cache.hit_ratio", () =>
        Totals.Select(t => new Measurement<double>(t.Value.Hits / (double)Math.Max(1, t.Value.Hits + t.Value.Misses), new KeyValuePair<string, object?>("kind", t.Key))),
        description: "Share of cached object reads served from the cache, since this process started");

    public static void Hits(string kind, int count) => Record(kind, count, 0);

    public static void Misses(string kind, int count) => Record(kind, 0, count);

    /// <summary>Times a load from Postgres and counts what it loaded as misses.</summary>
    public static async Task<T> LoadAsync<T>(string kind, int count, Func<Task<T>> load)
    {
        var clock = Stopwatch.StartNew();
        var result = await load();
        Loads.Record(clock.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind));
        Misses(kind, count);
        return result;
    }

    private static void Record(string kind, int hits, int misses)
    {
        if (hits > 0)
        {
            Requests.Add(hits, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", "hit"));
        }

        if (misses > 0)
        {
            Requests.Add(misses, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", "miss"));
        }

        Totals.AddOrUpdate(kind, (hits, misses), (_, t) => (t.Hits + hits, t.Misses + misses));
    }
}
