using System.Net.Sockets;
using System.Text;

namespace Crumbs.Tests.Infrastructure;

/// <summary>A few Redis commands spoken straight over RESP, so a test can make Redis lose a key or read its settings.</summary>
public static class RedisCommands
{
    public static Task DeleteAsync(CrumbsApp crumbs, string key) => RunAsync(crumbs, ["DEL", key]);

    /// <summary>CONFIG GET of one setting of the running Redis (e.g. maxmemory), through the app's connection string.</summary>
    public static async Task<string> ConfigGetAsync(CrumbsApp crumbs, string setting)
    {
        var reply = await RunAsync(crumbs, ["CONFIG", "GET", setting]);   // *2 $len name $len value
        var lines = reply.Split("\r\n");
        Assert.True(lines.Length >= 5 && lines[0] == "*2", $"CONFIG GET {setting} answered {reply}");
        return lines[4];
    }

    /// <summary>Runs one command after AUTH and returns its raw reply.</summary>
    private static async Task<string> RunAsync(CrumbsApp crumbs, string[] last)
    {
        var ct = TestContext.Current.CancellationToken;
        var parts = (await crumbs.App.GetConnectionStringAsync("cache", ct))!.Split(',');   // host:port,password=...
        var (host, port) = (parts[0].Split(':')[0], int.Parse(parts[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var password = parts.FirstOrDefault(p => p.StartsWith("password=", StringComparison.Ordinal))?["password=".Length..];

        using var client = new TcpClient();
        await client.ConnectAsync(host, port, ct);
        var stream = client.GetStream();
        var commands = new List<string[]>();
        if (password is not null) commands.Add(["AUTH", password]);
        commands.Add(last);
        var reply = "";
        foreach (var command in commands)
        {
            var resp = new StringBuilder($"*{command.Length}\r\n");
            foreach (var arg in command)
            {
                resp.Append(System.Globalization.CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(resp.ToString()), ct);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, ct);
            reply = Encoding.UTF8.GetString(buffer, 0, read);
            Assert.False(reply.StartsWith('-'), $"Redis refused {command[0]}: {reply}");
        }

        return reply;
    }
}
