using System.Diagnostics;
using System.Globalization;

namespace Crumbs.Benchmarks;

public sealed record LiveResult(int Connections, int FailedConnections, double ConnectSeconds, double RssBeforeMiB, double RssAfterMiB,
    int Followers, double PostsPerSecond, int Posts, int FailedPosts, long Expected, long Delivered, int Dropped, double P50Ms, double P99Ms, double MaxMs,
    double HeapBeforeMiB = double.NaN, double HeapAfterMiB = double.NaN)
{
    /// <summary>What one idle connection costs the replica: the RSS it gained with them open, per connection.</summary>
    public double KiBPerConnection => Connections == 0 ? double.NaN : (RssAfterMiB - RssBeforeMiB) * 1024 / Connections;

    /// <summary>The managed heap (after a full compacting collection) each open connection keeps alive.</summary>
    public double HeapKiBPerConnection => Connections == 0 ? double.NaN : (HeapAfterMiB - HeapBeforeMiB) * 1024 / Connections;

    public long Missing => Expected - Delivered;
}

/// <summary>
/// Issue 13's scale scenario. The load generator (<see cref="LiveClients"/>, a process of its own) opens
/// <c>connections</c> idle live connections to ONE web replica for every follower of the fan-out authors (several per
/// follower); that replica's RSS before and with them open gives the memory per connection. Then it keeps one per
/// follower (all of them would be ~50,000 writes/s at 100 posts/s, not the 100 × 100), the authors post at
/// 100/s through the proxy, and for every (post, follower) the delay is the newPost's arrival − the post's created_at:
/// the commit, the outbox relay, RabbitMQ, the worker's fan-out, Redis pub/sub, the SignalR write and the client's read.
/// </summary>
public static class LiveScale
{
    public static async Task<LiveResult> RunAsync(Uri replica, int replicaPid, CrumbsClient api, DataSet data, IReadOnlyList<DemoUser> authors,
        Func<Task<(int Sent, int Failed, double Seconds)>> load, int connections, string results, Action<string> say)
    {
        var authorIds = authors.Select(a => a.Id).ToArray();
        var follows = await data.ListAsync("select followee_id, follower_id from follows where followee_id = any(@a)",
            r => (Author: r.GetInt64(0), Follower: r.GetInt64(1)), ("a", authorIds));
        var followers = follows.Select(f => f.Follower).Distinct().Order().ToList();
        var cookies = new string[followers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, followers.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => cookies[i] = await api.StartSessionAsync(followers[i]));
        var sessionsFile = Path.GetTempFileName();   // session cookies: not kept with the results
        var arrivalsFile = Path.Combine(results, "live-arrivals.tsv");
        await File.WriteAllLinesAsync(sessionsFile, cookies);
        connections = Math.Max(connections, followers.Count);

        await Task.Delay(3000);
        var heapBefore = await api.ManagedHeapMiBAsync();
        var before = Procs.RssMiB(replicaPid);
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { LiveClients.Flag, replica.ToString(), sessionsFile, connections.ToString(CultureInfo.InvariantCulture), arrivalsFile })
        {
            start.ArgumentList.Add(arg);
        }

        using var clients = Process.Start(start)!;
        await using var log = new StreamWriter(Path.Combine(results, "live-clients.log")) { AutoFlush = true };
        clients.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        clients.BeginErrorReadLine();
        try
        {
            var connected = (await Expect(clients, "connected", TimeSpan.FromMinutes(5))).Split(' ');
            var (open, failed, seconds) = (int.Parse(connected[1], CultureInfo.InvariantCulture), int.Parse(connected[2], CultureInfo.InvariantCulture), double.Parse(connected[3], CultureInfo.InvariantCulture));
            await Task.Delay(5000);   // let the replica's allocations settle (its GC runs when it wants; RSS is what the machine pays)
            var after = Procs.RssMiB(replicaPid);
            var heapAfter = await api.ManagedHeapMiBAsync();
            say($"live: {open:N0} idle connections on one replica ({failed} failed, {seconds:0} s to open): RSS {before:0} → {after:0} MiB, managed heap {heapBefore:0.0} → {heapAfter:0.0} MiB; keeping one per follower ({followers.Count:N0}) and posting ...");

            await clients.StandardInput.WriteLineAsync("trim");
            await Expect(clients, "trimmed", TimeSpan.FromMinutes(1));
            await Task.Delay(2000);
            var first = await data.ScalarAsync("select coalesce(max(id), 0) from posts");
            var (sent, failedPosts, postSeconds) = await load();
            await Task.Delay(5000);   // the last posts' fan-out
            await clients.StandardInput.WriteLineAsync("stop");
            var dropped = int.Parse((await Expect(clients, "done", TimeSpan.FromMinutes(1))).Split(' ')[2], CultureInfo.InvariantCulture);

            var arrived = new Dictionary<(int, long), double>();
            foreach (var line in await File.ReadAllLinesAsync(arrivalsFile))
            {
                var f = line.Split('\t');
                arrived.TryAdd((int.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture)), double.Parse(f[2], CultureInfo.InvariantCulture));
            }

            var index = followers.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);   // connection i is follower i's
            var byAuthor = follows.ToLookup(f => f.Author, f => index[f.Follower]);
            var posts = await data.ListAsync("select id, author_id, extract(epoch from created_at) * 1000 from posts where id > @first and author_id = any(@a)",
                r => (Id: r.GetInt64(0), Author: r.GetInt64(1), CreatedMs: Convert.ToDouble(r.GetValue(2), CultureInfo.InvariantCulture)), ("first", first), ("a", authorIds));
            var delays = new List<double>();
            long expected = 0;
            foreach (var post in posts)
            {
                foreach (var connection in byAuthor[post.Author])
                {
                    expected++;
                    if (arrived.TryGetValue((connection, post.Id), out var at))
                    {
                        delays.Add(at - post.CreatedMs);
                    }
                }
            }

            delays.Sort();
            return new LiveResult(open, failed, seconds, before, after, followers.Count, sent / postSeconds, posts.Count, failedPosts, expected, delays.Count, dropped,
                FanOut.Percentile(delays, 50), FanOut.Percentile(delays, 99), delays.Count > 0 ? delays[^1] : double.NaN, heapBefore, heapAfter);
        }
        finally
        {
            File.Delete(sessionsFile);
            if (!clients.HasExited)
            {
                clients.Kill();
            }
        }
    }

    private static async Task<string> Expect(Process clients, string word, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (await clients.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(word, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The live load generator ended before \"{word}\" (see live-clients.log).");
    }
}
