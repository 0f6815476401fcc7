using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crumbs.Benchmarks;
using Npgsql;

// ./crumbs bench [--quick] [--seconds N] [--warmup N] [--users N --follows N --posts N] [--sizes 10k,100k,1m] [--docs] [--only home-cold,write,pgbench]
// Starts Crumbs with real servers and telemetry as deployed, seeds a data set, runs every scenario with wrk and
// reports each against the app's plaintext and a bare Kestrel of the same run. See docs/benchmarks.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.FirstOrDefault() == BareKestrel.Flag)
{
    await BareKestrel.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

if (args.FirstOrDefault() == LiveClients.Flag)
{
    await LiveClients.RunAsync(args);
    return 0;
}

var options = Options.Parse(args);
var repo = Options.RepositoryRoot();
var runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss");
var results = Path.Combine(repo, "results", runId);
Directory.CreateDirectory(results);
var clock = Stopwatch.StartNew();
void Say(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");

Say($"Building (Release) and starting Crumbs with local servers; log in {Path.GetRelativePath(repo, results)}/apphost.log");
await Options.RunAsync("dotnet", ["build", Path.Combine(repo, "AppHost"), "-c", "Release", "-nologo", "-v", "q"]);
await using var sink = await OtlpSink.StartAsync(Path.Combine(results, "logs.otlp"));
var (bareProcess, bare) = await BareKestrel.StartAsync();
await using var stopBare = Standalone.Owned(bareProcess);
if (options.Sizes.Count > 0)
{
    return await Sizes.RunAsync(options, repo, runId, results, sink, bare, bareProcess.Id, Say);
}

await using var app = await AppUnderTest.StartAsync(repo, runId, Path.Combine(results, "apphost.log"), 3, TimeSpan.FromMinutes(3), sink.Url);
var direct = app.WebReplicas()[0];
Say($"Crumbs is up without the dashboard (OTLP to the bench's sink {sink.Url}): proxy {app.Proxy}, one replica directly at {direct}; bare Kestrel at {bare}");

Say($"Seeding {options.Users:N0} users, {options.Follows:N0} follows, {options.Posts:N0} posts ...");
using var api = new CrumbsClient(direct, app.AdminKey);
var seeded = await api.SeedAsync(options.Users, options.Follows, options.Posts, options.Posts, options.Active);
var prefix = seeded.GetProperty("handlePrefix").GetString()!;
Say($"Seeded in {seeded.GetProperty("seconds").GetDouble():0} s: {seeded.GetProperty("timelineEntries").GetInt64():N0} timeline entries ({CrumbsClient.Steps(seeded)})");

await using var db = NpgsqlDataSource.Create(app.Setting("ConnectionStrings__db"));
var data = new DataSet(db);
await data.LoadAsync(seeded);
const int celebrity = 1000; // Crumbs:Timeline:CelebrityThreshold: above it, authors are merged on read, not fanned out
const string password = "demo password";

// Sign in a few users only: sign-in is limited per handle and per address.
var readerUsers = data.Pick(8, u => u.Active && u.Followers <= celebrity && u.Following > 5);
var readers = await SignInAsync(readerUsers);
var authorUsers = data.Users.Where(u => !readers.Any(r => r.Handle == u.Handle)).OrderBy(u => Math.Abs(u.Followers - 100)).Take(10).ToList();
var authors = await SignInAsync(authorUsers);
var (few, many) = (Math.Min(10, data.Users.Count / 4), Math.Min(1000, data.Users.Count / 2));
Say($"Two new accounts follow {few} and {many} demo users through the API ...");
var followsFew = await NewFollowerAsync($"b{runId[9..]}f", data.Pick(few, _ => true, salt: 1));
var followsMany = await NewFollowerAsync($"b{runId[9..]}m", data.Pick(many, _ => true, salt: 2));
var fewId = await data.ScalarAsync("select id from users where handle = @h", ("h", followsFew.Handle));
var manyId = await data.ScalarAsync("select id from users where handle = @h", ("h", followsMany.Handle));
await data.SettleAsync(TimeSpan.FromMinutes(2), fewId, manyId);
Say("Settling: VACUUM ANALYZE, then waiting for a quiet Postgres ...");
var settled = await data.SettlePostgresAsync(() => app.ServerPids("postgres"), cores: 0.05, quietFor: TimeSpan.FromSeconds(3), within: TimeSpan.FromMinutes(options.Quick ? 1 : 3));
Say($"Settled: vacuum {settled.VacuumSeconds:0.0} s, Postgres {(settled.Quiet ? "quiet" : $"still busy ({settled.BusyWith})")} ({settled.PostgresCores:0.00} cores) after {settled.QuietAfterSeconds:0} s");

var timelineUsers = data.Pick(200, u => u.Active && u.Following > 0, salt: 3); // inactive users have no timeline rows to read
var postIds = Enumerable.Range(0, 500).Select(i => data.MinPostId + (long)((data.MaxPostId - data.MinPostId) * ((i * 0.618034) % 1))).ToList();
int? standaloneWeb = null; // the telemetry tax's web process, counted as web while it runs
var wrk = new Wrk(results, () => new()
{
    ["web"] = [.. app.Pids("web"), .. standaloneWeb is { } s ? [s] : Array.Empty<int>()], ["worker"] = app.Pids("worker"),
    ["postgres"] = app.ServerPids("postgres"), ["redis"] = app.ServerPids("redis"), ["rabbitmq"] = app.ServerPids("rabbitmq"),
    ["bare"] = [bareProcess.Id], ["bench"] = [Environment.ProcessId],
});
WrkRequest[] home = [.. readers.Select(r => new WrkRequest("GET", "/api/timeline", r.ReadHeaders))];
WrkRequest[] Bench(string way) => [.. timelineUsers.Select(u => new WrkRequest("GET", $"/bench/timeline/{way}?user={u.Id}"))];
// Every user's pages in turn, newest first, a sixteenth of the ids a pass: the cold scenario reads each once, and the
// table reads the same pages, so the two compare the same work with the cache and without it (the table read 200 picked
// users' first pages, a sample: once the picks stopped changing between runs, it stopped averaging out).
string ColdPages(string way) =>
    $"\"/bench/timeline/{way}?user=\" .. ({data.Users[0].Id} + i % {data.Users.Count}) .. \"&before=\" .. ({data.MaxPostId + 1} - math.floor(i / {data.Users.Count}) * {Math.Max(1, (data.MaxPostId - data.MinPostId) / 16)})";
const string postBody = """{"text":"Benchmark post: one more crumb on the timeline."}""";

Say($"Warming up for {options.Warmup} s, then every read path's code for {options.Warmup} s more ...");
await Retry("warm-up", () => wrk.RunAsync(direct, [.. home, .. Bench("cached-objects"), .. Bench("cached-result"), new("GET", "/bench/plaintext")], options.Warmup));
// A replica that has served for a while runs every path as tier-1 code. Without this a scenario whose code no warm-up
// ran (the miss, the table, the JOIN) paid the JIT's tiering inside its own measurement. The cold reads here start an
// eighth of the way up from the oldest post, where the cold scenario (newest first, a sixteenth of the ids a pass)
// never reads, so they leave it no id list cached; they do cache some old posts' objects, as any earlier reader would.
var oldCursor = data.MinPostId + (data.MaxPostId - data.MinPostId) / 8;
await Retry("warm-up, every read path", () => wrk.RunAsync(direct, [.. Bench("table"), .. Bench("join"),
    .. timelineUsers.Select(u => new WrkRequest("GET", $"/api/users/{u.Handle}")), .. postIds.Select(id => new WrkRequest("GET", $"/posts/{id}")),
    .. postIds.Select(id => new WrkRequest("GET", $"/api/posts/{id}"))], options.Warmup / 2));
await Retry("warm-up, misses", () => wrk.RunSequenceAsync(direct,
    $"\"/bench/timeline/home?user=\" .. ({data.Users[0].Id} + i % {data.Users.Count}) .. \"&before=\" .. ({oldCursor} + math.floor(i / {data.Users.Count}))",
    options.Warmup / 2));
// Old pages lie below the celebrities' cached windows, so those misses never ran the merge with the windows, and the
// cold scenario (newest pages first) compiled it inside its own measurement (the serving replica's JIT at ≈ 7% of its
// CPU there). The bench's own account that follows 1,000 users, whom the cold scenario never reads, reads its newest
// pages at a new cursor each time: a miss every time, through the windows, touching only that account's few hundred posts.
await Retry("warm-up, misses through the windows", () => wrk.RunSequenceAsync(direct,
    $"\"/bench/timeline/home?user={manyId}&before=\" .. ({data.MaxPostId + 1} - i % {Math.Max(1, (data.MaxPostId - data.MinPostId) / 32)})",
    options.Warmup / 2));

var report = new Report
{
    RunId = runId,
    Size = options.Quick ? "--quick" : "default size",
    DataSet = new()
    {
        ["users"] = options.Users, ["follows"] = options.Follows, ["posts"] = options.Posts, ["likes"] = options.Posts, ["activeShare"] = options.Active,
        ["timelineEntries"] = seeded.GetProperty("timelineEntries").GetInt64(), ["seedSeconds"] = Math.Round(seeded.GetProperty("seconds").GetDouble()),
        ["secondsPerScenario"] = options.Seconds, ["wrk"] = "-t2 -c32",
        ["writersFollowers"] = Math.Round(readerUsers.Average(u => u.Followers), 1),
    },
    Machine = Options.Machine(),
    Settle = settled,
};
report.Telemetry["dashboard"] = "off";
report.Telemetry["traces"] = $"parentbased_traceidratio {AppUnderTest.DeployedTraceRatio}";
report.Telemetry["export"] = "OTLP/HTTP protobuf to a discarding sink in the bench process, SDK default intervals (5 s batches, 60 s metrics)";
var scenarios = new List<(string Key, string Title, string Via, Func<Uri, Task<WrkResult>> Run)>
{
    ("baseline", "baseline: GET /bench/plaintext", "direct", u => wrk.RunAsync(u, [new("GET", "/bench/plaintext")], options.Seconds)),
    ("baseline", "baseline: GET /bench/plaintext", "proxy", u => wrk.RunAsync(u, [new("GET", "/bench/plaintext")], options.Seconds)),
    ("home-warm", "home timeline, warm", "direct", u => wrk.RunAsync(u, home, options.Seconds)),
    ("home-warm", "home timeline, warm", "proxy", u => wrk.RunAsync(u, home, options.Seconds)),
    ("home-cold", "home timeline, cold (each page read once)", "direct", u => wrk.RunSequenceAsync(u, ColdPages("home"), options.Seconds)),
    ("profile", "profile: GET /api/users/{handle}", "direct", u => wrk.RunAsync(u, [.. timelineUsers.Select(x => new WrkRequest("GET", $"/api/users/{x.Handle}"))], options.Seconds)),
    ("post-api", "post: GET /api/posts/{id}", "direct", u => wrk.RunAsync(u, [.. postIds.Select(id => new WrkRequest("GET", $"/api/posts/{id}"))], options.Seconds)),
    ("post-page", "post page: GET /posts/{id} (HTML)", "direct", u => wrk.RunAsync(u, [.. postIds.Select(id => new WrkRequest("GET", $"/posts/{id}"))], options.Seconds)),
    ("follow-few", $"home timeline, following {few}", "direct", u => wrk.RunAsync(u, [new("GET", "/api/timeline", followsFew.ReadHeaders)], options.Seconds)),
    ("follow-many", $"home timeline, following {many}", "direct", u => wrk.RunAsync(u, [new("GET", "/api/timeline", followsMany.ReadHeaders)], options.Seconds)),
    ("timeline-join", "timeline 1: JOIN follows × posts", "direct", u => wrk.RunAsync(u, Bench("join"), options.Seconds)),
    ("timeline-table", "timeline 2: denormalized table", "direct", u => wrk.RunSequenceAsync(u, ColdPages("table"), options.Seconds)),
    ("timeline-cached-result", "timeline 3: cached query result", "direct", u => wrk.RunAsync(u, Bench("cached-result"), options.Seconds)),
    ("timeline-cached-objects", "timeline 4: cached objects (ids + MGET)", "direct", u => wrk.RunAsync(u, Bench("cached-objects"), options.Seconds)),
    ("write", "write: POST /api/posts (8 connections)", "direct", u => wrk.RunEachOnItsOwnAsync(u, [.. readers.Select(r => new WrkRequest("POST", "/api/posts", r.WriteHeaders, postBody))], options.Seconds)),
    ("mixed", "mixed: 90% home timeline, 10% POST", "direct", u => wrk.RunAsync(u,
        [.. readers.Select(r => new WrkRequest("GET", "/api/timeline", r.ReadHeaders, Weight: 9)), .. readers.Select(r => new WrkRequest("POST", "/api/posts", r.WriteHeaders, postBody))], options.Seconds)),
};
scenarios.RemoveAll(s => !options.Runs(s.Key));
var steps = scenarios.Count + (options.LiveConnections > 0 ? 4 : 3);   // then the telemetry tax, fan-out, live, pgbench
for (var i = 0; i < scenarios.Count; i++)
{
    var (key, title, via, run) = scenarios[i];
    var target = via == "proxy" ? app.Proxy : direct;
    if (key == "write")
    {
        // The write path's code is warmed like the reads' (without it the JIT's thread took ≈ 10% of the machine's
        // samples during the measurement); its posts are fanned out before anything is measured.
        await Retry("warm-up, writes", () => wrk.RunEachOnItsOwnAsync(direct, [.. readers.Select(r => new WrkRequest("POST", "/api/posts", r.WriteHeaders, postBody))],
            options.Warmup / 2));
        await data.SettleAsync(TimeSpan.FromMinutes(1), fewId);
    }

    // Both baselines again right before each scenario: on a shared machine the load of others drifts within minutes.
    var bareResult = await Retry("bare Kestrel", () => wrk.RunAsync(bare, [new("GET", "/plaintext")], options.BaselineSeconds));
    var baseline = key == "baseline" ? null : await Retry("baseline", () => wrk.RunAsync(target, [new("GET", "/bench/plaintext")], options.BaselineSeconds));
    var result = await Retry(title, () => run(target));
    report.Scenarios.Add(new ScenarioResult(key, title, via, result, baseline ?? result, bareResult));
    Say($"[{i + 1}/{steps}] {title} ({via}): {result.Rps:0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, {result.Errors} errors; bare Kestrel {bareResult.Rps:0} req/s");
    if (key is "write" or "mixed")
    {
        await data.SettleAsync(TimeSpan.FromMinutes(1), fewId); // let the fan-out of those posts finish first
    }
}

if (options.Runs("tax"))
{
    Say($"[{scenarios.Count + 1}/{steps}] telemetry tax: the warm home timeline on a standalone web process, three telemetry settings ...");
    report.TelemetryTax.AddRange(await TelemetryTax.RunAsync(results, runId, app, wrk, sink, home, options, pid => standaloneWeb = pid, Say));
}

var fanOutSeconds = Math.Max(options.Seconds, 10);
using var poster = new CrumbsClient(app.Proxy, app.AdminKey);
if (options.Runs("fanout"))
{
    Say($"[{scenarios.Count + 2}/{steps}] fan-out: 10 authors with ~{authorUsers.Average(a => a.Followers):0} followers posting ~100/s for {fanOutSeconds} s ...");
    var paced = poster.PostAtRateAsync(authors, 100, TimeSpan.FromSeconds(fanOutSeconds), postBody);
    report.FanOut = await FanOut.MeasureAsync(data, authorUsers, paced, TimeSpan.FromSeconds(30), () => app.Pids("worker").Sum(Procs.CpuTicks));
    Say($"fan-out at {report.FanOut.PostsPerSecond:0} posts/s ({report.FanOut.FailedPosts} failed): p50 {report.FanOut.P50Ms:0} ms, p99 {report.FanOut.P99Ms:0} ms, max {report.FanOut.MaxMs:0} ms; worker {report.FanOut.WorkerMicrosPerEntry:0.0} µs per delivered entry");
}

foreach (var group in new[] { "web", "worker" })
{
    report.PeakMemoryMiB[group] = Math.Round(app.Pids(group).Select(Procs.PeakMiB).DefaultIfEmpty(0).Max());
}

if (options.LiveConnections > 0 && options.Runs("live"))
{
    Say($"[{scenarios.Count + 3}/{steps}] live: {options.LiveConnections:N0} idle connections on one replica from a load generator process, then the fan-out's load with every follower connected ...");
    var replicaPid = app.Pids("web")[0];   // the replica WebReplicas()[0] names: `direct`
    report.Live = await LiveScale.RunAsync(direct, replicaPid, api, data, authorUsers,
        () => poster.PostAtRateAsync(authors, 100, TimeSpan.FromSeconds(fanOutSeconds), postBody), options.LiveConnections, results, Say);
    Say($"live: {report.Live.HeapKiBPerConnection:0.0} KiB of managed heap per connection ({report.Live.KiBPerConnection:0.0} KiB RSS); delivery p50 {report.Live.P50Ms:0} ms, p99 {report.Live.P99Ms:0} ms, max {report.Live.MaxMs:0} ms ({report.Live.Delivered}/{report.Live.Expected} delivered)");
}

if (options.Runs("pgbench"))
{
    Say($"[{steps}/{steps}] pgbench TPC-B-like on the same Postgres ({options.Seconds} s) ...");
    report.Pgbench = await Pgbench.RunAsync(app.Setting("ConnectionStrings__db"), results, options.Seconds, clients: 8);
}

report.Telemetry["sink received"] = string.Join(", ", sink.Bytes.OrderBy(b => b.Key).Select(b => $"{b.Key} {b.Value / 1024.0 / 1024:0.0} MiB"));
Goals.Judge(report);
File.WriteAllText(Path.Combine(results, "results.json"), report.Json());
File.WriteAllText(Path.Combine(results, "chart.svg"), report.Svg());
File.WriteAllText(Path.Combine(results, "results.md"), report.Markdown("benchmarks/latest.svg"));
Console.WriteLine();
Console.WriteLine(report.Table());
if (options.Docs)
{
    Options.UpdateDocs(repo, report, Path.Combine(results, "chart.svg"));
    Say("docs/benchmarks.md and docs/benchmarks/latest.svg updated");
}

Say($"Results in {Path.GetRelativePath(repo, results)}/ (results.json, chart.svg, results.md); stopping Crumbs ...");
return 0;

// wrk gives up when its first connection fails: say why, wait a moment and try once more.
async Task<WrkResult> Retry(string what, Func<Task<WrkResult>> run)
{
    try
    {
        return await run();
    }
    catch (InvalidOperationException e)
    {
        Say($"{what}: {e.Message} (web replicas now: {string.Join(", ", app.WebReplicas())}); once more in 5 s");
        await Task.Delay(5000);
        return await run();
    }
}

async Task<List<Session>> SignInAsync(IReadOnlyList<DemoUser> users) =>
    [.. await Task.WhenAll(users.Select(u => api.SignInAsync(u.Handle, password)))];

async Task<Session> NewFollowerAsync(string handle, IReadOnlyList<DemoUser> followees)
{
    await api.CreateAccountAsync(handle, password);
    var session = await api.SignInAsync(handle, password);
    await Parallel.ForEachAsync(followees, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (f, _) => await api.FollowAsync(session, f.Handle));
    return session;
}
