using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crumbs.Benchmarks;

/// <summary>
/// The live scenario's load generator, a process of its own (the bench's executable again with --live-clients, as
/// BareKestrel is): opens N SignalR connections to one web replica's /live with the given sessions (connection i uses
/// session i mod count), each counted once the hub has said "replica" (it has registered the connection by then), and
/// notes when every "newPost" arrives. Driven over stdin: "trim" keeps one connection per session, "stop" writes the
/// arrivals to a file (connection, post id, Unix ms) and exits.
/// </summary>
public static class LiveClients
{
    public const string Flag = "--live-clients";

    // --live-clients URL SESSIONS-FILE CONNECTIONS ARRIVALS-FILE
    public static async Task RunAsync(string[] args)
    {
        var url = new Uri(args[1]);
        var cookies = File.ReadAllLines(args[2]);
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        var arrivals = new ConcurrentQueue<(int Connection, long PostId, double AtMs)>();
        var connections = new HubConnection?[count];
        var failed = 0;
        var clock = Stopwatch.StartNew();
        // Some at a time, as pages open: a burst of thousands of upgrades measures the accept queue, not the hub.
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            try
            {
                connections[i] = await ConnectAsync(url, cookies[i % cookies.Length], i, arrivals);
            }
            catch (Exception e)
            {
                if (Interlocked.Increment(ref failed) <= 5)
                {
                    await Console.Error.WriteLineAsync($"connection {i}: {e.GetType().Name}: {e.Message}");
                }
            }
        });
        Console.WriteLine($"connected {count - failed} {failed} {clock.Elapsed.TotalSeconds:0.0}");

        while (await Console.In.ReadLineAsync() is { } command && command != "stop")
        {
            if (command == "trim")
            {
                await Parallel.ForEachAsync(connections.Skip(cookies.Length).OfType<HubConnection>(), async (c, _) => await c.DisposeAsync());
                Console.WriteLine("trimmed");
            }
        }

        var dropped = connections.Take(cookies.Length).Count(c => c is { State: not HubConnectionState.Connected });
        await File.WriteAllLinesAsync(args[4], arrivals.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Connection}\t{a.PostId}\t{a.AtMs:0.0}")));
        Console.WriteLine($"done {arrivals.Count} {dropped}");
        await Parallel.ForEachAsync(connections.Take(cookies.Length).OfType<HubConnection>(), async (c, _) => await c.DisposeAsync());
    }

    private static async Task<HubConnection> ConnectAsync(Uri url, string cookie, int index, ConcurrentQueue<(int, long, double)> arrivals)
    {
        var (name, value) = (cookie[..cookie.IndexOf('=', StringComparison.Ordinal)], cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        // WebSockets straight away, no Origin (a program holds the cookie itself; the hub's origin check lets it in).
        var connection = new HubConnectionBuilder().WithUrl(new Uri(url, "/live"), HttpTransportType.WebSockets, options =>
        {
            options.SkipNegotiation = true;
            options.Cookies.Add(url, new Cookie(name, value));
        }).Build();
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string>("replica", _ => registered.TrySetResult());
        connection.On<string>("newPost", id => arrivals.Enqueue((index, long.Parse(id, CultureInfo.InvariantCulture), NowMs())));
        await connection.StartAsync();
        await registered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return connection;
    }

    /// <summary>Wall-clock Unix ms: the same clock as Postgres' created_at on this machine.</summary>
    public static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
}
