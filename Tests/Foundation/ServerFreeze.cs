using System.Globalization;
using System.Net.Sockets;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Foundation;

/// <summary>
/// A server that hangs rather than dies: SIGSTOP to its process and every child (postgres' backends, RabbitMQ's
/// Erlang VM; the scripts exec into the server, so the resource's pid is the server itself), SIGCONT on dispose.
/// </summary>
public sealed class ServerFreeze : IAsyncDisposable
{
    private readonly int _root;
    private readonly IReadOnlyList<int> _frozen;

    private ServerFreeze(int root, IReadOnlyList<int> frozen) => (_root, _frozen) = (root, frozen);

    public static async Task<ServerFreeze> StartAsync(CrumbsApp crumbs, string resource)
    {
        var server = Assert.Single(crumbs.Replicas.Of(resource));
        var pids = ProcessTree.Of(server.ProcessId);
        var freeze = new ServerFreeze(server.ProcessId, pids);
        await SignalAsync("STOP", pids);
        // The fault happened: every process of the server is stopped (state T), not only a wrapper.
        await Eventually.GetAsync(() => Task.FromResult<object?>(pids.All(IsStopped) ? pids : null),
            TimeSpan.FromSeconds(5), $"every process of {resource} ({string.Join(", ", pids)}) to be stopped");
        return freeze;
    }

    public async ValueTask DisposeAsync() => await SignalAsync("CONT", [.. _frozen.Union(ProcessTree.Of(_root))]);

    /// <summary>Whether the server answers its own protocol's greeting within a second (PING, a query, AMQP's header).</summary>
    public static async Task<bool> AnswersAsync(CrumbsApp crumbs, string resource)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            switch (resource)
            {
                case "cache":
                    return await RedisCommands.SendAsync(crumbs, "PING").WaitAsync(timeout.Token) == "+PONG";
                case "postgres":
                    // Npgsql does not give up an open on the token alone while the server hangs: bound it outside too.
                    var db = await crumbs.App.GetConnectionStringAsync("db", timeout.Token);
                    return await Task.Run(async () =>
                    {
                        await using var connection = new Npgsql.NpgsqlConnection($"{db};Pooling=false;Timeout=1;Command Timeout=1");
                        await connection.OpenAsync(timeout.Token);
                        await using var command = new Npgsql.NpgsqlCommand("select 1", connection);
                        return (int)(await command.ExecuteScalarAsync(timeout.Token))! == 1;
                    }, timeout.Token).WaitAsync(timeout.Token);

                default:
                    var amqp = new Uri((await crumbs.App.GetConnectionStringAsync(resource, timeout.Token))!);
                    using (var client = new TcpClient())
                    {
                        await client.ConnectAsync(amqp.Host, amqp.Port, timeout.Token);
                        var stream = client.GetStream();
                        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), timeout.Token);
                        return await stream.ReadAsync(new byte[1], timeout.Token) == 1;   // the broker's connection.start
                    }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or Npgsql.NpgsqlException or IOException or SocketException)
        {
            return false;
        }
    }

    private static bool IsStopped(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
    }

    private static async Task SignalAsync(string signal, IReadOnlyList<int> pids)
    {
        using var kill = System.Diagnostics.Process.Start("kill",
            [$"-{signal}", .. pids.Select(p => p.ToString(CultureInfo.InvariantCulture))]);
        await kill.WaitForExitAsync();
    }
}
