using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Crumbs.Benchmarks;

/// <summary>
/// A scenario, the app's plaintext baseline run just before it on the same target (the machine's load drifts), and
/// the bare Kestrel's plaintext run just before that: the physical limit of this machine at that moment.
/// </summary>
public sealed record ScenarioResult(string Key, string Title, string Via, WrkResult Result, WrkResult Baseline, WrkResult? Bare)
{
    public double Ratio => Result.Rps / Baseline.Rps;

    public double BareRatio => Bare is null ? double.NaN : Result.Rps / Bare.Rps;

    public double P99Ratio => Result.P99Ms / Baseline.P99Ms;
}

public sealed record Goal(string Name, string Target, string Measured, bool Met);

/// <summary>The warm home timeline on a standalone web process with one telemetry setting; trace bytes the sink got per second.</summary>
public sealed record TaxResult(string Variant, string Settings, WrkResult Result, double TraceBytesPerSecond, double LogBytesPerSecond);

/// <summary>Everything one run measured, and its three outputs: the terminal table, JSON and an SVG chart.</summary>
public sealed class Report
{
    public required string RunId { get; init; }
    public required string Size { get; init; }
    public required Dictionary<string, object> DataSet { get; init; }
    public required Dictionary<string, string> Machine { get; init; }
    public List<ScenarioResult> Scenarios { get; } = [];
    public FanOutResult? FanOut { get; set; }
    public LiveResult? Live { get; set; }
    public PgbenchResult? Pgbench { get; set; }
    public SettleResult? Settle { get; set; }
    public List<TaxResult> TelemetryTax { get; } = [];
    public Dictionary<string, string> Telemetry { get; } = [];
    public Dictionary<string, double> PeakMemoryMiB { get; } = [];
    public List<Goal> Goals { get; } = [];

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"scenario",-42} {"via",-6} {"req/s",7} {"p50 ms",7} {"p99 ms",7} {"errors",6} {"base/s",7} {"×base",6} {"bare/s",7} {"×bare",6}  cores: {CpuHeader}");
        foreach (var s in Scenarios)
        {
            var r = s.Result;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Title,-42} {s.Via,-6} {r.Rps,7:0} {r.P50Ms,7:0.0} {r.P99Ms,7:0.0} {r.Errors,6} {s.Baseline.Rps,7:0} {s.Ratio,6:0.000} {s.Bare?.Rps ?? double.NaN,7:0} {s.BareRatio,6:0.000}  {CpuCells(r, " ")}");
        }

        foreach (var t in TelemetryTax)
        {
            var r = t.Result;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"telemetry tax (warm home timeline, standalone web) {t.Variant + ":",-8} {r.Rps,6:0} req/s, p50 {r.P50Ms:0.0} ms, p99 {r.P99Ms:0.0} ms, {r.Errors} errors; sink got traces {t.TraceBytesPerSecond / 1024:0.0} KiB/s, logs {t.LogBytesPerSecond / 1024:0.0} KiB/s; cores {CpuCells(r, " ")}");
        }

        foreach (var line in Extras())
        {
            text.AppendLine(line);
        }

        if (FanOut is { } f)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"fan-out: {f.PostsPerSecond:0} posts/s, {f.AverageFollowers:0} followers each: delay p50 {f.P50Ms:0} ms, p99 {f.P99Ms:0} ms, max {f.MaxMs:0} ms ({f.Delivered}/{f.Posts} delivered)");
        }

        if (Live is { } live)
        {
            text.AppendLine(LiveLine(live));
        }

        if (Pgbench is { } p)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"pgbench TPC-B ({p.Clients} clients): {p.Tps:0} tps, p50 {p.P50Ms:0.00} ms, p99 {p.P99Ms:0.00} ms");
        }

        foreach (var g in Goals)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{(g.Met ? "MET   " : "MISSED")} {g.Name}: {g.Measured} (goal {g.Target})");
        }

        return text.ToString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Json() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Markdown for docs/benchmarks.md: the table, the extra measures and the goals.</summary>
    public string Markdown(string chartPath)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run `{RunId}` ({Size}): {string.Join(", ", DataSet.Select(d => $"{d.Key} {d.Value}"))}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {string.Join(", ", Machine.Select(m => $"{m.Key} {m.Value}"))}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Telemetry: {string.Join(", ", Telemetry.Select(t => $"{t.Key} {t.Value}"))}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| Scenario | Via | req/s | p50 ms | p99 ms | Errors | App plaintext req/s (p99 ms) | × app plaintext | Bare Kestrel req/s | × bare | CPU cores: {CpuHeader.Replace(" ", " / ", StringComparison.Ordinal)} |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in Scenarios)
        {
            var r = s.Result;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Title} | {s.Via} | {r.Rps:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Errors} | {s.Baseline.Rps:0} ({s.Baseline.P99Ms:0.0}) | {s.Ratio:0.000} | {s.Bare?.Rps ?? double.NaN:0} | {s.BareRatio:0.000} | {CpuCells(r, " / ")} |");
        }

        if (TelemetryTax.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| Telemetry tax: warm home timeline on a standalone web process | Settings | req/s | p50 ms | p99 ms | Errors | Sink got traces / logs KiB/s | CPU cores: {CpuHeader.Replace(" ", " / ", StringComparison.Ordinal)} |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
            foreach (var t in TelemetryTax)
            {
                var r = t.Result;
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {t.Variant} | `{t.Settings}` | {r.Rps:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Errors} | {t.TraceBytesPerSecond / 1024:0.0} / {t.LogBytesPerSecond / 1024:0.0} | {CpuCells(r, " / ")} |");
            }
        }

        md.AppendLine();
        if (FanOut is { } f)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Fan-out at {f.PostsPerSecond:0} posts/s from authors with {f.AverageFollowers:0} followers on average: until in every follower's timeline p50 {f.P50Ms:0} ms, p99 {f.P99Ms:0} ms, max {f.MaxMs:0} ms ({f.Delivered} of {f.Posts} posts complete).");
        }

        if (Live is { } live)
        {
            md.AppendLine("- " + LiveLine(live));
        }

        if (Pgbench is { } p)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- pgbench TPC-B-like, {p.Clients} clients, same Postgres: {p.Tps:0} tps, p50 {p.P50Ms:0.00} ms, p99 {p.P99Ms:0.00} ms.");
        }

        foreach (var line in Extras())
        {
            md.AppendLine("- " + line + ".");
        }
        md.AppendLine();
        md.AppendLine("| Goal | Target | Measured | |");
        md.AppendLine("|---|---|---|---|");
        foreach (var g in Goals)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {g.Name} | {g.Target} | {g.Measured} | {(g.Met ? "met" : "**missed**")} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"![Throughput of each scenario relative to the plaintext baseline]({chartPath})");
        return md.ToString();
    }

    /// <summary>Two bars per scenario: its throughput as a share of the app's plaintext and of the bare Kestrel (log scale, so 0.1% still shows).</summary>
    public string Svg()
    {
        const int left = 330, width = 420, row = 24, top = 40;
        var height = top + Scenarios.Count * row + 40;
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 210}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="10" y="20" font-size="14" font-weight="bold">Crumbs ({WebUtility.HtmlEncode(Size)}): req/s as a share of the app's plaintext (upper bar) and of a bare Kestrel (lower bar), log scale</text>""");
        double X(double ratio) => left + width * (Math.Log10(Math.Max(ratio, 0.001)) + 3) / 3; // 0.1% … 100%
        foreach (var tick in new[] { 0.001, 0.01, 0.1, 1 })
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{X(tick):0}" y1="{top - 5}" x2="{X(tick):0}" y2="{height - 30}" stroke="#ddd"/><text x="{X(tick):0}" y="{height - 15}" text-anchor="middle" fill="#666">{tick * 100:0.#}%</text>""");
        }

        for (var i = 0; i < Scenarios.Count; i++)
        {
            var s = Scenarios[i];
            var y = top + i * row;
            var colour = s.Key.StartsWith("timeline-", StringComparison.Ordinal) ? "#e07b39" : s.Key.StartsWith("baseline", StringComparison.Ordinal) ? "#999" : "#3b7dd8";
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left - 8}" y="{y + 15}" text-anchor="end">{WebUtility.HtmlEncode($"{s.Title} ({s.Via})")}</text>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{left}" y="{y + 3}" width="{Math.Max(1, X(s.Ratio) - left):0}" height="10" fill="{colour}"/>""");
            if (s.Bare is not null)
            {
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{left}" y="{y + 14}" width="{Math.Max(1, X(s.BareRatio) - left):0}" height="6" fill="{colour}" fill-opacity="0.45"/>""");
            }
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{Math.Max(left, X(s.Ratio)) + 4:0}" y="{y + 15}">{s.Result.Rps:0} req/s · p99 {s.Result.P99Ms:0.0} ms</text>""");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>The CPU groups of every table, in order: "bench" is this process (the OTLP sink, the fan-out poller).</summary>
    private static readonly string[] CpuGroups = ["web", "worker", "postgres", "redis", "rabbitmq", "wrk", "bare", "bench", "others"];

    private const string CpuHeader = "web worker pg redis rabbit wrk bare bench others";

    private static string CpuCells(WrkResult r, string separator) => string.Join(separator, CpuGroups.Select(g => Cpu(r, g)));

    /// <summary>The live scenario in one line: memory per idle connection, then the delivery delay and what it includes.</summary>
    private static string LiveLine(LiveResult l) => string.Create(CultureInfo.InvariantCulture,
        $"live: {l.Connections:N0} idle connections on one web replica ({l.FailedConnections} failed, opened in {l.ConnectSeconds:0} s): managed heap after a full collection {l.HeapBeforeMiB:0.0} → {l.HeapAfterMiB:0.0} MiB, {l.HeapKiBPerConnection:0.0} KiB per connection (RSS {l.RssBeforeMiB:0} → {l.RssAfterMiB:0} MiB, {l.KiBPerConnection:0.0} KiB: a replica that has served a run keeps free heap the connections fit in); "
        + $"then one per follower ({l.Followers:N0}) at {l.PostsPerSecond:0} posts/s: created_at → newPost received (commit, outbox relay, RabbitMQ, worker fan-out, Redis pub/sub, SignalR write) "
        + $"p50 {l.P50Ms:0} ms, p99 {l.P99Ms:0} ms, max {l.MaxMs:0} ms; {l.Delivered:N0} of {l.Expected:N0} deliveries ({l.Missing:N0} missing, {l.Dropped} connections dropped, {l.FailedPosts} posts failed)");

    /// <summary>Lines beside the table: settling, the cost of a post and of a delivered entry, memory.</summary>
    private IEnumerable<string> Extras()
    {
        if (Settle is { } settle)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Settled before measuring: VACUUM ANALYZE {settle.VacuumSeconds:0.0} s, then Postgres {(settle.Quiet ? "quiet" : "still busy")} ({settle.PostgresCores:0.00} cores) after {settle.QuietAfterSeconds:0} s{(settle.BusyWith is { Length: > 0 } b ? $", active meanwhile: {b}" : "")}");
        }

        if (Scenarios.FirstOrDefault(s => s.Key == "write") is { } write && write.Result.Rps > 0)
        {
            string PerPost(string group) => (write.Result.CpuCores.GetValueOrDefault(group) / write.Result.Rps * 1000).ToString("0.00", CultureInfo.InvariantCulture);
            yield return $"CPU per POST /api/posts (cores × s / posts): web {PerPost("web")} ms, worker {PerPost("worker")} ms, postgres {PerPost("postgres")} ms"
                + (DataSet.TryGetValue("writersFollowers", out var followers) ? $"; each post fanned out to ≈ {followers} followers (the 8 writers' average)" : "");
        }

        if (FanOut is { } f)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Worker CPU per timeline entry delivered to a follower during fan-out: {f.WorkerMicrosPerEntry:0.0} µs ({f.WorkerCpuSeconds:0.00} s of worker CPU, {f.FollowerEntries} entries)");
        }

        if (PeakMemoryMiB.Count > 0)
        {
            yield return "Peak memory (VmHWM): " + string.Join(", ", PeakMemoryMiB.Select(m => $"{m.Key} {m.Value:0} MiB"));
        }
    }

    private static string Cpu(WrkResult r, string group) => r.CpuCores.TryGetValue(group, out var c) ? c.ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
