using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Crumbs.Benchmarks;

/// <summary>
/// One data size of the sweep: what was seeded, how it settled, each read's result with bare Kestrel's measured just
/// before it, and each replica's peak memory.
/// </summary>
public sealed record SizeResult(int Posts, int Users, int Follows, long TimelineEntries, double SeedSeconds, SettleResult Settle,
    Dictionary<string, WrkResult> Reads, Dictionary<string, WrkResult> BareBefore, Dictionary<string, double?> BakeSeconds, WrkResult Plaintext, WrkResult Bare,
    double[] WebPeakMiB, double[] WorkerPeakMiB, int ActiveUsers, string SeedSteps, double SizeSeconds, bool PeaksSinceSeed,
    int PlainReaders)
{
    /// <summary>
    /// The machine's speed while this size was read: the median of bare Kestrel's runs before each read (one 5 s run
    /// moved by ±15% within a size; their median does not follow one unlucky run).
    /// </summary>
    public double BareMedian => BareBefore.Values.Select(b => b.Rps).Order().ElementAt(BareBefore.Count / 2);

    /// <summary>A read's req/s as a share of <see cref="BareMedian"/>: what the machine's own speed does not move.</summary>
    public double OfBare(string key) => Reads[key].Rps / BareMedian;

    /// <summary>A read's req/s, or "–" where this size did not run it.</summary>
    public string Rps(string key, string format = "0") => Reads.TryGetValue(key, out var read) ? read.Rps.ToString(format, CultureInfo.InvariantCulture) : "–";
}

/// <summary>
/// How cost grows with the work (./crumbs bench --sizes 10k,100k,1m): for each number of posts a fresh app, users =
/// posts / 10 and follows = posts × 5, the four timeline variants and the warm home timeline, req/s against size.
/// </summary>
public static class Sizes
{
    public static readonly (string Key, string Title)[] Reads =
    [
        ("timeline-join", "JOIN"), ("timeline-table", "table"), (PlainTable, "table, no celebrity followed"),
        ("timeline-cached-result", "cached result"), ("timeline-cached-objects", "cached objects"), ("home-warm", "home timeline, warm"),
    ];

    /// <summary>
    /// The table read again, by readers who follow no celebrity: no celebrity's posts are merged into their pages, so
    /// it shows what the table itself costs at each size. The 10k size has no celebrity (no author reaches the
    /// threshold among 1,000 users), so there every reader is one; at 1M a reader follows about six.
    /// </summary>
    public const string PlainTable = "timeline-table-plain";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<int> RunAsync(Options options, string repo, string runId, string results, OtlpSink sink, Uri bare, int barePid, Action<string> say)
    {
        // Every size is seeded first and keeps running; then each read is taken at every size in turn, the sizes'
        // order reversed from one read to the next. Taken a size at a time, a read's smallest and largest sizes were
        // a quarter of an hour apart, and this machine's speed moved by ±20% within minutes: as much as the goal allows.
        var runs = new List<SizeRun>();
        List<SizeResult> sizes;
        try
        {
            for (var i = 0; i < options.Sizes.Count; i++)
            {
                runs.Add(await SizeRun.PrepareAsync(options, repo, $"{runId}-{i + 1}", results, sink, bare, barePid, options.Sizes[i],
                    $"size {i + 1}/{options.Sizes.Count}", say));
            }

            for (var k = 0; k < Reads.Length; k++)
            {
                var (key, title) = Reads[k];
                foreach (var run in k % 2 == 0 ? runs : Enumerable.Reverse(runs))
                {
                    say(await run.ReadAsync(key, bare, runs) is not var (read, bareBefore)
                        ? $"{Options.SizeLabel(run.Posts)} posts, {title}: no active reader follows no celebrity; not read"
                        : $"{Options.SizeLabel(run.Posts)} posts, {title}{(key == PlainTable ? $" ({run.PlainReaders} readers)" : "")}: {read.Rps:0} req/s, " +
                          $"p99 {read.P99Ms:0.0} ms, {read.Errors} errors; bare Kestrel just before {bareBefore.Rps:0}");
                }
            }

            sizes = [.. runs.Select(run => run.Finish())];
        }
        finally
        {
            say($"stopping the sweep's {runs.Count} apps ...");
            foreach (var run in runs)
            {
                await run.DisposeAsync();
            }
        }

        File.WriteAllText(Path.Combine(results, "sizes.json"), JsonSerializer.Serialize(sizes, JsonOptions));
        File.WriteAllText(Path.Combine(results, "sizes.svg"), Svg(sizes));
        File.WriteAllText(Path.Combine(results, "sizes.md"), Markdown(sizes, runId, "benchmarks/sizes.svg"));
        Console.WriteLine();
        Console.WriteLine(Table(sizes));
        if (options.Docs)
        {
            Options.UpdateDocs(repo, Markdown(sizes, runId, "benchmarks/sizes.svg"), Path.Combine(results, "sizes.svg"), "sizes.svg",
                "<!-- sizes: written by ./crumbs bench --sizes -->", "<!-- end of sizes -->");
            say("docs/benchmarks.md and docs/benchmarks/sizes.svg updated");
        }

        say($"Results in {Path.GetRelativePath(repo, results)}/ (sizes.json, sizes.svg, sizes.md)");
        return 0;
    }

    public static string Table(IReadOnlyList<SizeResult> sizes)
    {
        var text = new StringBuilder();
        text.AppendLine($"{"posts",8} {"users",7} {"follows",9} {"entries",10} {"seed s",6} " +
            string.Join(" ", Reads.Select(r => $"{r.Title,14}")) + $" {"plaintext",9} {"bare",7}  peak MiB web | worker");
        foreach (var s in sizes)
        {
            text.AppendLine($"{s.Posts,8} {s.Users,7} {s.Follows,9} {s.TimelineEntries,10} {s.SeedSeconds,6:0} " +
                string.Join(" ", Reads.Select(r => $"{s.Rps(r.Key),14}")) + $" {s.Plaintext.Rps,9:0} {s.Bare.Rps,7:0}  {string.Join("/", s.WebPeakMiB)} | {string.Join("/", s.WorkerPeakMiB)}");
        }

        foreach (var goal in Goals(sizes))
        {
            text.AppendLine(goal);
        }

        return text.ToString();
    }

    /// <summary>The size goals of issue 11: denormalized and cached reads flat within 20%, cached objects ≥ 10× the JOIN at the largest size.</summary>
    public static IEnumerable<string> Goals(IReadOnlyList<SizeResult> sizes)
    {
        if (sizes.Count < 2)
        {
            yield break;
        }

        // Judged on req/s ÷ the size's bare Kestrel (the machine's speed then); the plain req/s beside it.
        var (small, large) = (sizes[0], sizes[^1]);
        static string Signed(double change) => $"{(change >= 0 ? "+" : "−")}{Math.Abs(change):0%}";
        foreach (var key in new[] { "timeline-table", "timeline-cached-result", "timeline-cached-objects", "home-warm" })
        {
            var change = large.OfBare(key) / small.OfBare(key) - 1;
            var raw = large.Reads[key].Rps / small.Reads[key].Rps - 1;
            yield return $"{(Math.Abs(change) <= 0.2 ? "MET   " : "MISSED")} {Reads.First(r => r.Key == key).Title} from {Options.SizeLabel(small.Posts)} to {Options.SizeLabel(large.Posts)} posts: " +
                $"{Signed(change)} as a share of the size's bare Kestrel ({small.OfBare(key):0.000} → {large.OfBare(key):0.000}; req/s {Signed(raw)}) (goal within ±20%)";
        }

        // Not a goal of its own: how much of the table's change is the celebrities' merge rather than the table's size.
        if (small.Reads.TryGetValue(PlainTable, out var smallPlain) && large.Reads.TryGetValue(PlainTable, out var largePlain))
        {
            var change = largePlain.Rps / large.BareMedian / (smallPlain.Rps / small.BareMedian) - 1;
            yield return $"FOR COMPARISON {Reads.First(r => r.Key == PlainTable).Title} ({small.PlainReaders} and {large.PlainReaders} readers) from " +
                $"{Options.SizeLabel(small.Posts)} to {Options.SizeLabel(large.Posts)} posts: {Signed(change)} as a share of the size's bare Kestrel " +
                $"({small.OfBare(PlainTable):0.000} → {large.OfBare(PlainTable):0.000}; req/s {Signed(largePlain.Rps / smallPlain.Rps - 1)})";
        }

        var ratio = large.Reads["timeline-cached-objects"].Rps / large.Reads["timeline-join"].Rps;
        yield return $"{(ratio >= 10 ? "MET   " : "MISSED")} cached objects vs JOIN at {Options.SizeLabel(large.Posts)} posts: {ratio:0.0}× (goal ≥ 10×); JOIN {small.Reads["timeline-join"].Rps:0} → {large.Reads["timeline-join"].Rps:0} req/s";
    }

    private static string Bakes(SizeResult s) => s.BakeSeconds.Values.Any(b => b is null)
        ? "did not finish within a minute once or more"
        : $"{s.BakeSeconds.Values.Min():0.0}–{s.BakeSeconds.Values.Max():0.0} s";

    public static string Markdown(IReadOnlyList<SizeResult> sizes, string runId, string chartPath)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run `{runId}`: {string.Join(", ", sizes.Select(s => Options.SizeLabel(s.Posts)))} posts (users = posts / 10, follows = posts × 5), a fresh app per size, all running at once, each read taken at every size in turn, telemetry as deployed.");
        md.AppendLine();
        md.AppendLine("| Posts | Users | Follows | Timeline entries | Seed s | Settled | " + string.Join(" | ", Reads.Select(r => $"{r.Title} req/s (p99 ms)")) + " | App plaintext | Bare Kestrel | Peak RSS web (MiB) | Peak RSS worker (MiB) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|" + string.Concat(Reads.Select(_ => "---:|")) + "---:|---:|---|---|");
        foreach (var s in sizes)
        {
            md.AppendLine(
                $"| {s.Posts:N0} | {s.Users:N0}{(s.ActiveUsers < s.Users ? $" ({(double)s.ActiveUsers / s.Users:0%} active)" : "")} | {s.Follows:N0} | {s.TimelineEntries:N0} | {s.SeedSeconds:0} | vacuum {s.Settle.VacuumSeconds:0} s, {(s.Settle.Quiet ? "quiet" : "busy")} after {s.Settle.QuietAfterSeconds:0} s | " +
                string.Join(" | ", Reads.Select(r => s.Reads.TryGetValue(r.Key, out var read) ? $"{read.Rps:0} ({read.P99Ms:0.0})" : "–")) +
                $" | {s.Plaintext.Rps:0} | {s.Bare.Rps:0} | {string.Join(" / ", s.WebPeakMiB)} | {string.Join(" / ", s.WorkerPeakMiB)} |");
        }

        md.AppendLine();
        foreach (var s in sizes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {Options.SizeLabel(s.Posts)} posts: seeded in {s.SeedSeconds:0} s ({s.SeedSteps}); {s.SizeSeconds:0} s from a fresh app to ready (seeded, settled, warmed up); bare Kestrel before each read {s.BareBefore.Values.Min(b => b.Rps):0}–{s.BareBefore.Values.Max(b => b.Rps):0} req/s (median {s.BareMedian:0}); the bake before each read {Bakes(s)}; peak RSS {(s.PeaksSinceSeed ? "since the data settled (the seed's own peak left out)" : "since each process started (the seed's included: the peak could not be reset)")}.");
        }

        foreach (var goal in Goals(sizes))
        {
            md.AppendLine("- " + goal.Replace("MET   ", "met:", StringComparison.Ordinal).Replace("MISSED", "**missed**:", StringComparison.Ordinal)
                .Replace("FOR COMPARISON", "for comparison:", StringComparison.Ordinal));
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"![Requests/s of each read against the data size]({chartPath})");
        return md.ToString();
    }

    /// <summary>req/s (log) against posts (log), one line per read.</summary>
    public static string Svg(IReadOnlyList<SizeResult> sizes)
    {
        const int left = 70, top = 40, width = 520, height = 300;
        string[] colours = ["#c0392b", "#e07b39", "#f1c40f", "#8e44ad", "#27ae60", "#3b7dd8"];
        var (minX, maxX) = (Math.Log10(sizes.Min(s => s.Posts)), Math.Log10(sizes.Max(s => s.Posts)));
        var all = sizes.SelectMany(s => s.Reads.Values.Select(r => Math.Max(1, r.Rps))).ToList();
        var (minY, maxY) = (Math.Floor(Math.Log10(all.Min())), Math.Ceiling(Math.Log10(all.Max())));
        maxY = Math.Max(maxY, minY + 1);
        double X(int posts) => maxX == minX ? left + width / 2.0 : left + width * (Math.Log10(posts) - minX) / (maxX - minX);
        double Y(double rps) => top + height - height * (Math.Log10(Math.Max(1, rps)) - minY) / (maxY - minY);
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 200}" height="{top + height + 50}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.AppendLine("""<text x="10" y="20" font-size="14" font-weight="bold">Crumbs: requests/s against data size (log–log; users = posts / 10, follows = posts × 5)</text>""");
        for (var e = minY; e <= maxY; e++)
        {
            var y = Y(Math.Pow(10, e));
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{y:0}" x2="{left + width}" y2="{y:0}" stroke="#ddd"/><text x="{left - 6}" y="{y + 4:0}" text-anchor="end" fill="#666">{Math.Pow(10, e):N0}</text>""");
        }

        foreach (var s in sizes)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{X(s.Posts):0}" y="{top + height + 18}" text-anchor="middle" fill="#666">{Options.SizeLabel(s.Posts)} posts</text>""");
        }

        for (var i = 0; i < Reads.Length; i++)
        {
            var (key, title) = Reads[i];
            var read = sizes.Where(s => s.Reads.ContainsKey(key)).ToList();
            var points = string.Join(" ", read.Select(s => string.Create(CultureInfo.InvariantCulture, $"{X(s.Posts):0},{Y(s.Reads[key].Rps):0}")));
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<polyline points="{points}" fill="none" stroke="{colours[i]}" stroke-width="2"/>""");
            foreach (var s in read)
            {
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<circle cx="{X(s.Posts):0}" cy="{Y(s.Reads[key].Rps):0}" r="3" fill="{colours[i]}"/>""");
            }

            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left + width + 12}" y="{top + 14 + i * 18}" fill="{colours[i]}">{WebUtility.HtmlEncode(title)}</text>""");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
