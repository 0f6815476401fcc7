using Npgsql;

namespace Crumbs.Benchmarks;

/// <summary>
/// One size of the sweep, seeded and kept running while the other sizes are read: its app, its readers and the
/// requests of each read. The sweep takes each read at every size in turn (<see cref="Sizes"/>), so a read's sizes
/// are minutes apart at most, not the quarter of an hour a size used to take.
/// </summary>
internal sealed class SizeRun : IAsyncDisposable
{
    /// <summary>The app's default Crumbs:Timeline:CelebrityThreshold, which the sweep's apps run with.</summary>
    private const int CelebrityThreshold = 1000;

    /// <summary>
    /// Each read's own requests again right before it: a read taken minutes after the size's warm-up would otherwise
    /// start on caches whose entries had expired meanwhile.
    /// </summary>
    private const double ReadWarmupSeconds = 3;

    private readonly TimeSpan _readyAfter;
    private readonly Dictionary<string, WrkResult> _reads = [], _bareBefore = [];
    private readonly Dictionary<string, double?> _bakes = [];
    private readonly List<IDisposable> _clients = [];

    private SizeRun(AppUnderTest app, TimeSpan readyAfter) => (App, _readyAfter) = (app, readyAfter);

    public AppUnderTest App { get; }

    public required int Posts { get; init; }

    public required string Label { get; init; }

    private CrumbsClient Worker { get; init; } = null!;

    private Wrk Wrk { get; init; } = null!;

    private Uri Direct { get; init; } = null!;

    private Func<string, IReadOnlyList<WrkRequest>> Requests { get; init; } = null!;

    private Func<Dictionary<string, WrkResult>, Dictionary<string, WrkResult>, Dictionary<string, double?>, double, SizeResult> Result { get; init; } = null!;

    private double BaselineSeconds { get; init; }

    private double ReadSeconds { get; init; }

    public int PlainReaders { get; private init; }

    /// <summary>Starts a fresh app, seeds and settles it, signs the readers in, warms every read up and takes the size's baselines.</summary>
    public static async Task<SizeRun> PrepareAsync(Options options, string repo, string runId, string results, OtlpSink sink,
        Uri bare, int barePid, int posts, string label, Action<string> say)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var users = Math.Max(20, posts / 10);
        var follows = (int)Math.Min(posts * 5L, (long)users * (users - 1) / 4);
        say($"[{label}] {posts:N0} posts, {users:N0} users, {follows:N0} follows: starting a fresh Crumbs ...");
        var app = await AppUnderTest.StartAsync(repo, runId, Path.Combine(results, $"apphost-{Options.SizeLabel(posts)}.log"), 3, TimeSpan.FromMinutes(3), sink.Url);
        try
        {
            var direct = app.WebReplicas()[0];
            var api = new CrumbsClient(direct, app.AdminKey);
            var seeded = await api.SeedAsync(users, follows, posts, posts, options.Active);
            var seedSeconds = seeded.GetProperty("seconds").GetDouble();
            var entries = seeded.GetProperty("timelineEntries").GetInt64();
            say($"seeded in {seedSeconds:0} s ({entries:N0} timeline entries; {CrumbsClient.Steps(seeded)}); settling ...");
            await using var db = NpgsqlDataSource.Create(app.Setting("ConnectionStrings__db"));
            var data = new DataSet(db);
            await data.LoadAsync(seeded);
            var settled = await data.SettlePostgresAsync(() => app.ServerPids("postgres"), 0.05, TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(3));
            say($"settled: vacuum {settled.VacuumSeconds:0.0} s, Postgres {(settled.Quiet ? "quiet" : $"still busy ({settled.PostgresCores:0.00} cores; {settled.BusyWith})")} after {settled.QuietAfterSeconds:0} s");

            // The peaks are of serving this size: the seed's own buffers (one replica builds the whole graph) are not.
            var reset = app.Pids("web").Concat(app.Pids("worker")).All(Procs.ResetPeak);
            var readers = await Task.WhenAll(data.Pick(8, u => u.Active && u.Followers <= CelebrityThreshold && u.Following > 5).Select(u => api.SignInAsync(u.Handle, "demo password")));
            var timelineUsers = data.Pick(200, u => u.Active && u.Following > 0, salt: 3);
            var followNoCelebrity = (await data.ListAsync(
                "select f.follower_id from follows f join users a on a.id = f.followee_id group by f.follower_id having max(a.follower_count) <= @threshold",
                r => r.GetInt64(0), ("threshold", CelebrityThreshold))).ToHashSet();
            var plainUsers = data.Pick(200, u => u.Active && u.Following > 0 && followNoCelebrity.Contains(u.Id), salt: 3);
            var wrk = new Wrk(results, () => new()
            {
                ["web"] = app.Pids("web"), ["worker"] = app.Pids("worker"), ["postgres"] = app.ServerPids("postgres"),
                ["redis"] = app.ServerPids("redis"), ["rabbitmq"] = app.ServerPids("rabbitmq"), ["bare"] = [barePid], ["bench"] = [Environment.ProcessId],
            });
            WrkRequest[] Bench(string way, IReadOnlyList<DemoUser>? who = null) =>
                [.. (who ?? timelineUsers).Select(u => new WrkRequest("GET", $"/bench/timeline/{way}?user={u.Id}"))];
            WrkRequest[] home = [.. readers.Select(r => new WrkRequest("GET", "/api/timeline", r.ReadHeaders))];
            // Every variant's code too (see Program.cs): the JOIN and the table otherwise paid the JIT in their own measurement.
            await wrk.RunAsync(direct, [.. home, .. Bench("cached-objects"), .. Bench("cached-result"), .. Bench("table"), .. Bench("join"),
                new("GET", "/bench/plaintext")], options.Warmup);
            var bareResult = await wrk.RunAsync(bare, [new("GET", "/plaintext")], options.BaselineSeconds);
            var plaintext = await wrk.RunAsync(direct, [new("GET", "/bench/plaintext")], options.BaselineSeconds);
            var worker = new CrumbsClient(app.Replicas("worker")[0], app.AdminKey);
            var run = new SizeRun(app, clock.Elapsed)
            {
                Posts = posts,
                Label = label,
                Worker = worker,
                Wrk = wrk,
                Direct = direct,
                BaselineSeconds = options.BaselineSeconds,
                ReadSeconds = options.Seconds,
                PlainReaders = plainUsers.Count,
                Requests = key => key switch
                {
                    "home-warm" => home,
                    Sizes.PlainTable => Bench("table", plainUsers),
                    _ => Bench(key["timeline-".Length..]),
                },
                Result = (reads, bareBefore, bakes, seconds) => new SizeResult(posts, users, follows, entries, Math.Round(seedSeconds, 1), settled,
                    reads, bareBefore, bakes, plaintext, bareResult,
                    [.. app.Pids("web").Select(p => Math.Round(Procs.PeakMiB(p)))], [.. app.Pids("worker").Select(p => Math.Round(Procs.PeakMiB(p)))],
                    seeded.GetProperty("activeUsers").GetInt32(), CrumbsClient.Steps(seeded), Math.Round(seconds), reset, plainUsers.Count),
            };
            run._clients.AddRange([api, worker]);
            return run;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// One read at this size: every running size bakes first (so no scheduled bake, an interval after the last one's
    /// start, falls inside the read: at 1M a bake is seconds of Postgres), then bare Kestrel, the read's own warm-up, the read.
    /// </summary>
    public async Task<(WrkResult Read, WrkResult BareBefore)?> ReadAsync(string key, Uri bare, IReadOnlyList<SizeRun> all)
    {
        if (key == Sizes.PlainTable && PlainReaders == 0)
        {
            return null;
        }

        var bakes = await Task.WhenAll(all.Select(run => run.Worker.BakeNowAsync()));
        _bakes[key] = bakes[all.ToList().IndexOf(this)];
        _bareBefore[key] = await Wrk.RunAsync(bare, [new("GET", "/plaintext")], BaselineSeconds);
        var requests = Requests(key);
        await Wrk.RunAsync(Direct, requests, ReadWarmupSeconds);
        _reads[key] = await Wrk.RunAsync(Direct, requests, ReadSeconds);
        return (_reads[key], _bareBefore[key]);
    }

    /// <summary>What was measured at this size, with each replica's peak memory as of now (after the last read).</summary>
    public SizeResult Finish() => Result(_reads, _bareBefore, _bakes, _readyAfter.TotalSeconds);

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await App.DisposeAsync();
    }
}
