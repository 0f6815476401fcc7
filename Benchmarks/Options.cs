using System.Diagnostics;
using System.Globalization;

namespace Crumbs.Benchmarks;

/// <summary>The command line, the machine, and the few chores around a run.</summary>
/// <param name="Active">The share of seeded users seen lately (within Crumbs:Timeline:ActiveFor): the fan-out writes only to them.</param>
public sealed record Options(bool Quick, int Users, int Follows, int Posts, double Seconds, double Warmup, bool Docs, IReadOnlyList<int> Sizes, int LiveConnections, double Active = 1, IReadOnlySet<string>? Only = null)
{
    public double BaselineSeconds => Quick ? 3 : 5;

    /// <summary>
    /// Whether a step runs: every one, unless <c>--only</c> names some (scenario keys such as home-cold or write, and
    /// tax, fanout, live, pgbench). A partial run is for profiling and tuning; it never updates the docs.
    /// </summary>
    public bool Runs(string key) => Only is null || Only.Contains(key);

    public static Options Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int quickValue, int defaultValue) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : quick ? quickValue : defaultValue;
        return new Options(quick,
            Int("--users", 1_000, 10_000), Int("--follows", 20_000, 500_000), Int("--posts", 10_000, 100_000),
            Int("--seconds", 5, 15), Int("--warmup", 3, 10),
            Docs: !args.Contains("--only") && (args.Contains("--docs") || (!quick && !args.Contains("--no-docs"))),
            Sizes: Value("--sizes") is { } sizes ? [.. sizes.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Count)] : [],
            LiveConnections: args.Contains("--no-live") ? 0 : Int("--live-connections", 5_000, 5_000),
            Active: Value("--active") is { } active ? double.Parse(active, CultureInfo.InvariantCulture) : 1,
            Only: Value("--only") is { } only ? only.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() : null);
    }

    /// <summary>"10k" → 10,000; "1m" → 1,000,000; "2500" → 2,500.</summary>
    public static int Count(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        var (digits, factor) = t.EndsWith('k') ? (t[..^1], 1_000) : t.EndsWith('m') ? (t[..^1], 1_000_000) : (t, 1);
        return (int)(double.Parse(digits, CultureInfo.InvariantCulture) * factor);
    }

    /// <summary>Short form for titles: 10000 → "10k", 1000000 → "1m".</summary>
    public static string SizeLabel(int n) => n >= 1_000_000 && n % 100_000 == 0 ? $"{n / 1e6:0.#}m" : n >= 1_000 && n % 100 == 0 ? $"{n / 1e3:0.#}k" : n.ToString(CultureInfo.InvariantCulture);

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Aspire.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    public static Dictionary<string, string> Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memKiB = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return new()
        {
            ["nproc"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["memory"] = $"{memKiB / 1024.0 / 1024:0.0} GiB",
            ["cpu"] = cpu,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            [".NET"] = Environment.Version.ToString(),
        };
    }

    public static async Task RunAsync(string file, string[] args)
    {
        using var process = Process.Start(file, args);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode})");
        }
    }

    /// <summary>Puts the latest results between the markers of docs/benchmarks.md and the chart beside it.</summary>
    public static void UpdateDocs(string repo, Report report, string chart) =>
        UpdateDocs(repo, report.Markdown("benchmarks/latest.svg"), chart, "latest.svg",
            "<!-- latest results: written by ./crumbs bench -->", "<!-- end of latest results -->");

    /// <summary>Puts <paramref name="markdown"/> between two markers of docs/benchmarks.md and the chart in docs/benchmarks/.</summary>
    public static void UpdateDocs(string repo, string markdown, string chart, string chartName, string start, string end)
    {
        var docs = Path.Combine(repo, "docs", "benchmarks.md");
        Directory.CreateDirectory(Path.Combine(repo, "docs", "benchmarks"));
        File.Copy(chart, Path.Combine(repo, "docs", "benchmarks", chartName), overwrite: true);
        var text = File.Exists(docs) ? File.ReadAllText(docs) : $"# Benchmarks\n\n{start}\n{end}\n";
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from)
        {
            text += $"\n{start}\n{end}\n";
            (from, to) = (text.IndexOf(start, StringComparison.Ordinal), text.IndexOf(end, StringComparison.Ordinal));
        }

        File.WriteAllText(docs, text[..(from + start.Length)] + "\n" + markdown + text[to..]);
    }
}

/// <summary>The goals the numbers are judged by (see docs/benchmarks.md).</summary>
public static class Goals
{
    public static void Judge(Report report)
    {
        ScenarioResult? Get(string key, string via = "direct") => report.Scenarios.FirstOrDefault(s => s.Key == key && s.Via == via);
        if (Get("home-warm") is { } home)
        {
            report.Goals.Add(new("Home timeline warm, one web instance", "≥ 20% of bare Kestrel's req/s, ≥ 50% of the app's plaintext, p99 ≤ 3× the app's plaintext p99",
                $"{home.BareRatio:P1} of bare, {home.Ratio:P1} of app plaintext, p99 {home.P99Ratio:0.0}×",
                home.BareRatio >= 0.2 && home.Ratio >= 0.5 && home.P99Ratio <= 3));
        }

        if (Get("home-cold") is { } cold && Get("timeline-table") is { } table)
        {
            var ratio = cold.Result.Rps / table.Result.Rps;
            report.Goals.Add(new("Home timeline cold vs denormalized table", "≥ the table's req/s", $"{cold.Result.Rps:0} vs {table.Result.Rps:0} req/s = {ratio:P0}", ratio >= 1));
        }

        // Each read against the app's plaintext sampled right before it: the two reads are half a minute apart, and this
        // machine's speed moves by more than their difference within that (bare Kestrel 43.6k then 30.7k req/s in one run).
        if (Get("follow-few") is { } few && Get("follow-many") is { } many)
        {
            var ratio = many.Ratio / few.Ratio;
            report.Goals.Add(new("Following many vs few", "≥ 90% of the throughput, each read against the app's plaintext just before it",
                $"{ratio:P0} ({many.Ratio:0.000} vs {few.Ratio:0.000} × plaintext; req/s {many.Result.Rps:0} vs {few.Result.Rps:0})", ratio >= 0.9));
        }

        if (Get("timeline-join") is { } join && Get("timeline-cached-objects") is { } objects)
        {
            var ratio = objects.Result.Rps / join.Result.Rps;
            report.Goals.Add(new("Cached objects vs JOIN query", "≥ 10×", $"{ratio:0.0}×", ratio >= 10));
        }

        if (Get("write") is { } write && report.Pgbench is { } pg)
        {
            var ratio = write.Result.Rps / pg.Tps;
            report.Goals.Add(new("POST /api/posts vs pgbench TPC-B", $"≥ 50% of pgbench tps, both at {pg.Clients} connections", $"{write.Result.Rps:0} vs {pg.Tps:0} tps = {ratio:P0}", ratio >= 0.5));
            var webMs = write.Result.CpuCores.GetValueOrDefault("web") / write.Result.Rps * 1000;
            report.Goals.Add(new("Web CPU per post", "≤ 1 ms", $"{webMs:0.00} ms", webMs <= 1));
        }

        if (report.Live is { } live)
        {
            report.Goals.Add(new("Live delivery delay p99", "< 2 s at 100 posts/s, 100 followers each, every follower connected, none missing",
                $"{live.P99Ms / 1000:0.00} s at {live.PostsPerSecond:0} posts/s ({live.Delivered}/{live.Expected} delivered)",
                live.P99Ms < 2000 && live.Missing == 0 && live.PostsPerSecond >= 90));
        }

        if (report.FanOut is { } f)
        {
            // Met only when wrk really offered (nearly) the 100 posts/s the goal names.
            report.Goals.Add(new("Fan-out delay p99", "< 2 s at 100 posts/s, 100 followers each",
                $"{f.P99Ms / 1000:0.00} s at {f.PostsPerSecond:0} posts/s, {f.AverageFollowers:0} followers ({f.Delivered}/{f.Posts} complete)",
                f.P99Ms < 2000 && f.Delivered == f.Posts && f.PostsPerSecond >= 90));
            report.Goals.Add(new("Worker CPU per delivered timeline entry", "≤ 20 µs per follower", $"{f.WorkerMicrosPerEntry:0.0} µs", f.WorkerMicrosPerEntry <= 20));
        }
    }
}
