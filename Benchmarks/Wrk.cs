using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crumbs.Benchmarks;

/// <summary>One request wrk may send: method, path, headers, body; weight says how often it is picked.</summary>
public sealed record WrkRequest(string Method, string Path, IReadOnlyDictionary<string, string>? Headers = null, string? Body = null, int Weight = 1);

/// <summary>What wrk measured (from the Lua done() hook) and the CPU each part of the system used meanwhile.</summary>
public sealed record WrkResult(long Requests, double Seconds, double P50Ms, double P99Ms, double MaxMs, long Errors, long Non2xx,
    Dictionary<string, double> CpuCores)
{
    public double Rps => Requests / Seconds;
}

/// <summary>Runs wrk with a generated Lua script: random requests from a list, each connection its own request, or a sequence that never repeats.</summary>
public sealed class Wrk(string workDir, Func<Dictionary<string, IReadOnlyList<int>>> processes)
{
    private int _scripts;

    public Task<WrkResult> RunAsync(Uri target, IReadOnlyList<WrkRequest> requests, double seconds,
        int threads = 2, int connections = 32, double? delayMs = null) =>
        RunScriptAsync(target, RandomScript(requests, delayMs), seconds, threads, connections);

    /// <summary>Requests GET {path(i)} for i = 0, 1, 2, ... across all threads, so no request repeats another.</summary>
    public Task<WrkResult> RunSequenceAsync(Uri target, string luaPathOfI, double seconds, int threads = 2, int connections = 32) =>
        RunScriptAsync(target, $$"""
            local count = 0
            function setup(thread) thread:set("offset", count); count = count + 1 end
            local n = 0
            function request() local i = offset + n * {{threads}}; n = n + 1; return wrk.format("GET", {{luaPathOfI}}) end
            """, seconds, threads, connections);

    /// <summary>
    /// One connection (and wrk thread) per request, each sending only its own, one at a time: n users each posting as fast
    /// as they can. Drawn at random from the list, two connections often sent the same user's request at once.
    /// </summary>
    public Task<WrkResult> RunEachOnItsOwnAsync(Uri target, IReadOnlyList<WrkRequest> requests, double seconds) =>
        RunScriptAsync(target, Specs(requests) + """
            local count = 0
            function setup(thread) count = count + 1; thread:set("index", count) end
            local req
            function init(args) local s = specs[index]; req = wrk.format(s[1], s[2], s[3], s[4]) end
            function request() return req end

            """, seconds, threads: requests.Count, connections: requests.Count);

    /// <summary>The requests as a Lua table, specs, each once per unit of its weight.</summary>
    private static string Specs(IReadOnlyList<WrkRequest> requests)
    {
        var lua = new StringBuilder("local specs = {\n");
        foreach (var r in requests)
        {
            for (var w = 0; w < r.Weight; w++)
            {
                var headers = string.Join(", ", (r.Headers ?? new Dictionary<string, string>()).Select(h => $"[{Lua(h.Key)}] = {Lua(h.Value)}"));
                lua.Append(CultureInfo.InvariantCulture, $"  {{ {Lua(r.Method)}, {Lua(r.Path)}, {{ {headers} }}, {(r.Body is null ? "nil" : Lua(r.Body))} }},\n");
            }
        }

        return lua.Append("}\n").ToString();
    }

    private static string RandomScript(IReadOnlyList<WrkRequest> requests, double? delayMs)
    {
        var lua = new StringBuilder(Specs(requests));
        lua.Append("""
            local reqs = {}
            function init(args)
              for i, s in ipairs(specs) do reqs[i] = wrk.format(s[1], s[2], s[3], s[4]) end
              math.randomseed(os.time() + tonumber(tostring(reqs):match("0x(%x+)") or "0", 16) % 100000)
            end
            function request() return reqs[math.random(#reqs)] end

            """);
        if (delayMs is { } delay)
        {
            lua.Append(CultureInfo.InvariantCulture, $"function delay() return {delay:0} end\n");
        }

        return lua.ToString();
    }

    private async Task<WrkResult> RunScriptAsync(Uri target, string lua, double seconds, int threads, int connections)
    {
        var path = Path.Combine(workDir, $"scenario-{++_scripts}.lua");
        await File.WriteAllTextAsync(path, lua + Done);
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"-t{threads}", $"-c{connections}", $"-d{seconds:0}s", "--timeout", "5s", "-s", path, target.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        using var wrk = Process.Start(start)!;
        var output = wrk.StandardOutput.ReadToEndAsync();
        var errors = wrk.StandardError.ReadToEndAsync();
        // CPU over the steady middle of the run, the same window for every process (wrk included).
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, seconds / 4)));
        var before = Snapshot(processes());
        if (wrk.HasExited)
        {
            // A short run on a busy machine may be over before the first sample: keep its numbers, without CPU.
            return Parse(await output, new Dictionary<string, double>())
                ?? throw new InvalidOperationException($"wrk stopped at once: {await output} {await errors}".Trim());
        }

        wrk.Refresh(); // Process caches what it read from /proc until refreshed
        var wrkBefore = wrk.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.5, seconds - Math.Min(1, seconds / 4) - 0.5)));
        var after = Snapshot(processes());
        wrk.Refresh();
        var wrkTicks = wrk.HasExited ? 0 : (long)((wrk.TotalProcessorTime - wrkBefore).TotalSeconds * 100);
        var elapsed = clock.Elapsed.TotalSeconds;
        await wrk.WaitForExitAsync();
        var ticks = after.Keys.ToDictionary(k => k, k => Cpu(before, after, k));
        ticks["wrk"] = wrkTicks;
        ticks["others"] = ticks["machine"] - ticks.Where(t => t.Key is not "machine").Sum(t => t.Value); // other people's work on a shared machine
        var cpu = ticks.ToDictionary(t => t.Key, t => Math.Round(t.Value / 100.0 / elapsed, 2));
        return Parse(await output, cpu) ?? throw new InvalidOperationException($"wrk gave no result: {await output} {await errors}");
    }

    /// <summary>The BENCH line the Lua done() hook wrote, or null.</summary>
    private static WrkResult? Parse(string output, Dictionary<string, double> cpu)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var r = JsonSerializer.Deserialize<JsonElement>(line[6..]);
        long Get(string name) => r.GetProperty(name).GetInt64();
        return new WrkResult(Get("requests"), Get("duration_us") / 1e6, Get("p50_us") / 1e3, Get("p99_us") / 1e3, Get("max_us") / 1e3,
            Get("connect") + Get("read") + Get("write") + Get("timeout") + Get("status"), Get("status"), cpu);
    }

    private static Dictionary<string, Dictionary<int, long>> Snapshot(Dictionary<string, IReadOnlyList<int>> groups)
    {
        var snapshot = groups.ToDictionary(g => g.Key, g => g.Value.ToDictionary(pid => pid, Procs.CpuTicks));
        var (busy, _) = Procs.MachineTicks();
        snapshot["machine"] = new Dictionary<int, long> { [0] = busy };
        return snapshot;
    }

    /// <summary>
    /// CPU ticks a group used between the snapshots. A process that ended in between reads as 0 ticks and is left out
    /// (else it would count negative: Postgres backends come and go); one that started in between counts in full.
    /// </summary>
    private static long Cpu(Dictionary<string, Dictionary<int, long>> before, Dictionary<string, Dictionary<int, long>> after, string group) =>
        after[group].Where(p => p.Value > 0).Sum(p => Math.Max(0, p.Value - (before.GetValueOrDefault(group)?.GetValueOrDefault(p.Key) ?? 0)));

    private static string Lua(string s) => $"\"{s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    private const string Done = """

        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format('BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
            e.connect, e.read, e.write, e.status, e.timeout))
        end
        """;
}
