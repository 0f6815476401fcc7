using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Crumbs.Benchmarks;

/// <summary>A scenario and the plaintext baseline run just before it on the same target (the machine's load drifts).</summary>
public sealed record ScenarioResult(string Key, string Title, string Via, WrkResult Result, WrkResult Baseline)
{
    public double Ratio => Result.Rps / Baseline.Rps;

    public double P99Ratio => Result.P99Ms / Baseline.P99Ms;
}

public sealed record Goal(string Name, string Target, string Measured, bool Met);

/// <summary>Everything one run measured, and its three outputs: the terminal table, JSON and an SVG chart.</summary>
public sealed class Report
{
    public required string RunId { get; init; }
    public required string Size { get; init; }
    public required Dictionary<string, object> DataSet { get; init; }
    public required Dictionary<string, string> Machine { get; init; }
    public List<ScenarioResult> Scenarios { get; } = [];
    public FanOutResult? FanOut { get; set; }
    public PgbenchResult? Pgbench { get; set; }
    public Dictionary<string, double> PeakMemoryMiB { get; } = [];
    public List<Goal> Goals { get; } = [];

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"scenario",-42} {"via",-6} {"req/s",7} {"p50 ms",7} {"p99 ms",7} {"errors",6} {"base/s",7} {"×base",6}  cores: web worker pg redis wrk others");
        foreach (var s in Scenarios)
        {
            var r = s.Result;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Title,-42} {s.Via,-6} {r.Rps,7:0} {r.P50Ms,7:0.0} {r.P99Ms,7:0.0} {r.Errors,6} {s.Baseline.Rps,7:0} {s.Ratio,6:0.000}  {Cpu(r, "web")} {Cpu(r, "worker")} {Cpu(r, "postgres")} {Cpu(r, "redis")} {Cpu(r, "wrk")} {Cpu(r, "others")}");
        }

        if (FanOut is { } f)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"fan-out: {f.PostsPerSecond:0} posts/s, {f.AverageFollowers:0} followers each: delay p50 {f.P50Ms:0} ms, p99 {f.P99Ms:0} ms, max {f.MaxMs:0} ms ({f.Delivered}/{f.Posts} delivered)");
        }

        if (Pgbench is { } p)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"pgbench TPC-B ({p.Clients} clients): {p.Tps:0} tps, p50 {p.P50Ms:0.00} ms, p99 {p.P99Ms:0.00} ms");
        }

        text.AppendLine("peak memory (VmHWM): " + string.Join(", ", PeakMemoryMiB.Select(m => $"{m.Key} {m.Value:0} MiB")));
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
        md.AppendLine("| Scenario | Via | req/s | p50 ms | p99 ms | Errors | Baseline req/s (p99 ms) | × baseline | CPU cores: web / worker / postgres / redis / wrk / others |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in Scenarios)
        {
            var r = s.Result;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Title} | {s.Via} | {r.Rps:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Errors} | {s.Baseline.Rps:0} ({s.Baseline.P99Ms:0.0}) | {s.Ratio:0.000} | {Cpu(r, "web")} / {Cpu(r, "worker")} / {Cpu(r, "postgres")} / {Cpu(r, "redis")} / {Cpu(r, "wrk")} / {Cpu(r, "others")} |");
        }

        md.AppendLine();
        if (FanOut is { } f)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Fan-out at {f.PostsPerSecond:0} posts/s from authors with {f.AverageFollowers:0} followers on average: until in every follower's timeline p50 {f.P50Ms:0} ms, p99 {f.P99Ms:0} ms, max {f.MaxMs:0} ms ({f.Delivered} of {f.Posts} posts complete).");
        }

        if (Pgbench is { } p)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- pgbench TPC-B-like, {p.Clients} clients, same Postgres: {p.Tps:0} tps, p50 {p.P50Ms:0.00} ms, p99 {p.P99Ms:0.00} ms.");
        }

        md.AppendLine("- Peak memory (VmHWM) under load: " + string.Join(", ", PeakMemoryMiB.Select(m => $"{m.Key} {m.Value:0} MiB")) + ".");
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

    /// <summary>A horizontal bar per scenario: its throughput as a share of the baseline (log scale, so 0.1% still shows).</summary>
    public string Svg()
    {
        const int left = 330, width = 420, row = 24, top = 40;
        var height = top + Scenarios.Count * row + 40;
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="10" y="20" font-size="14" font-weight="bold">Crumbs: requests/s as a share of the plaintext baseline ({WebUtility.HtmlEncode(Size)}, log scale)</text>""");
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
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{left}" y="{y + 4}" width="{Math.Max(1, X(s.Ratio) - left):0}" height="{row - 8}" fill="{colour}"/>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{Math.Max(left, X(s.Ratio)) + 4:0}" y="{y + 15}">{s.Result.Rps:0} req/s · p99 {s.Result.P99Ms:0.0} ms</text>""");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Cpu(WrkResult r, string group) => r.CpuCores.TryGetValue(group, out var c) ? c.ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
