namespace Crumbs.Benchmarks;

/// <summary>
/// What telemetry costs the warm home timeline: the same read on a standalone web process (a running replica's
/// environment, a port of its own) started three times, once per setting, so the app's replicas keep theirs. The
/// variants differ only in the standard OpenTelemetry variables: every trace exported, the deployed sampling, and
/// the SDK disabled. What the sink receives meanwhile comes from every process (the app's idle replicas too).
/// </summary>
public static class TelemetryTax
{
    public static readonly (string Variant, Dictionary<string, string?> Settings)[] Variants =
    [
        ("none", new() { ["OTEL_SDK_DISABLED"] = "true" }),
        ("sampled", new() { ["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio", ["OTEL_TRACES_SAMPLER_ARG"] = AppUnderTest.DeployedTraceRatio }),
        ("full", new() { ["OTEL_TRACES_SAMPLER"] = "always_on", ["OTEL_TRACES_SAMPLER_ARG"] = null }),
    ];

    /// <summary>Runs each variant; <paramref name="measured"/> is told which standalone process to count as "web".</summary>
    public static async Task<List<TaxResult>> RunAsync(string results, string runId, AppUnderTest app, Wrk wrk, OtlpSink sink,
        IReadOnlyList<WrkRequest> home, Options options, Action<int?> measured, Action<string> say)
    {
        var taxes = new List<TaxResult>();
        foreach (var (variant, settings) in Variants)
        {
            var overrides = new Dictionary<string, string?>(settings)
            {
                ["Crumbs__Bench__RunId"] = $"{runId}-tax", // not one of the app's replicas for AppUnderTest.Pids
                ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id=tax-{variant}",
            };
            var (process, url) = await Standalone.StartWebAsync(app.Pids("web")[0], overrides, Path.Combine(results, $"tax-{variant}.log"));
            try
            {
                measured(process.Id);
                await wrk.RunAsync(url, home, options.Warmup);
                var (traces, logs) = (sink.BytesOf("traces"), sink.BytesOf("logs"));
                var result = await wrk.RunAsync(url, home, options.Seconds);
                await Task.Delay(TimeSpan.FromSeconds(5.5)); // the batch processor exports at least every 5 s: let the load's last batch arrive
                var perSecond = (sink.BytesOf("traces") - traces) / result.Seconds;
                var logsPerSecond = (sink.BytesOf("logs") - logs) / result.Seconds;
                var shown = string.Join(" ", settings.Select(s => s.Value is null ? $"-{s.Key}" : $"{s.Key}={s.Value}"));
                taxes.Add(new TaxResult(variant, shown, result, Math.Round(perSecond), Math.Round(logsPerSecond)));
                say($"telemetry tax, {variant}: {result.Rps:0} req/s, p99 {result.P99Ms:0.0} ms, traces {perSecond / 1024:0.0} KiB/s");
            }
            finally
            {
                measured(null);
                await Standalone.StopAsync(process);
            }
        }

        return taxes;
    }
}
