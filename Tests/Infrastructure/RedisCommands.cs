using System.Net.Sockets;
using System.Text;

namespace Crumbs.Tests.Infrastructure;

/// <summary>A few Redis commands spoken straight over RESP, so a test can make Redis lose a key.</summary>
public static class RedisCommands
{
    public static async Task DeleteAsync(CrumbsApp crumbs, string key)
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
        commands.Add(["DEL", key]);
        foreach (var command in commands)
        {
            var resp = new StringBuilder($"*{command.Length}\r\n");
            foreach (var arg in command)
            {
                resp.Append(System.Globalization.CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(resp.ToString()), ct);
            var reply = new byte[256];
            var read = await stream.ReadAsync(reply, ct);
            Assert.False(Encoding.UTF8.GetString(reply, 0, read).StartsWith('-'), $"Redis refused {command[0]}");
        }
    }
}
