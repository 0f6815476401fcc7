using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// The one place cached reads are counted: hits, misses, load time and hit ratio per kind of object, on the
/// "Crumbs" meter (seen in the dashboard). FusionCache's own OpenTelemetry package is not on this machine's mirror.
/// </summary>
public sealed class CacheTelemetry
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _loads;
    private readonly Counter<long> _failedInvalidations;
    private readonly ConcurrentDictionary<string, (long Hits, long Misses)> _totals = new();

    public CacheTelemetry(IMeterFactory meters)
    {
        // The app's meter, which every host exports (ServiceDefaults/Telemetry.cs); Domain names it without referencing the hosts' defaults.
        var meter = meters.Create("Crumbs");
        _requests = meter.CreateCounter<long>("crumbs.cache.requests", description: "Cached object reads, by kind and result (hit or miss)");
        _loads = meter.CreateHistogram<double>("crumbs.cache.load.duration", "ms", "Time to load missing objects from Postgres");
        _failedInvalidations = meter.CreateCounter<long>("crumbs.cache.invalidation.failed", description: "Cache invalidations after a commit that did not get through in time, by kind");
        meter.CreateObservableGauge("crumbs.cache.hit_ratio", () =>
            _totals.Select(t => new Measurement<double>(t.Value.Hits / (double)Math.Max(1, t.Value.Hits + t.Value.Misses), new KeyValuePair<string, object?>("kind", t.Key))),
            description: "Share of cached object reads served from the cache, since this process started");
    }

    /// <summary>One object through the cache: a hit is counted as such, a miss is loaded, timed and counted.</summary>
    public async Task<T> GetOrLoadAsync<T>(IFusionCache cache, string kind, string key, Func<CancellationToken, Task<T>> load,
        FusionCacheEntryOptions? options, CancellationToken ct)
    {
        var diagnostics = CacheLoadDiagnostics.ForThisRequest;
        if (diagnostics is { SkipDistributedLocker: true })
        {
            options = options?.Duplicate() ?? cache.CreateEntryOptions();
            options.SkipDistributedLocker = true;
        }

        var loaded = false;
        var value = await cache.GetOrSetAsync<T>(key, async (_, token) =>
        {
            loaded = true;
            return await LoadAsync(kind, 1, async () =>
            {
                if (diagnostics is { SlowLoad: var slow } && slow > TimeSpan.Zero)
                {
                    await Task.Delay(slow, token);
                }

                return await load(token);
            });
        }, options, ct);
        if (!loaded)
        {
            Hits(kind, 1);
        }

        return value;
    }

    public void Hits(string kind, int count) => Record(kind, count, 0);

    public void InvalidationFailed(string kind) => _failedInvalidations.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Times a load from Postgres and counts what it loaded as misses.</summary>
    public async Task<T> LoadAsync<T>(string kind, int count, Func<Task<T>> load)
    {
        var clock = Stopwatch.StartNew();
        var result = await load();
        _loads.Record(clock.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind));
        Record(kind, 0, count);
        return result;
    }

    private void Record(string kind, int hits, int misses)
    {
        if (hits > 0)
        {
            _requests.Add(hits, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", "hit"));
        }

        if (misses > 0)
        {
            _requests.Add(misses, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", "miss"));
        }

        _totals.AddOrUpdate(kind, (hits, misses), (_, t) => (t.Hits + hits, t.Misses + misses));
    }
}
