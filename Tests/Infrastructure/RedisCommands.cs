using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Crumbs.Tests.Infrastructure;

/// <summary>A few Redis commands spoken straight over RESP, so a test can make Redis lose a key or look inside it.</summary>
public static class RedisCommands
{
    public static async Task DeleteAsync(CrumbsApp crumbs, string key) => await SendAsync(crumbs, "DEL", key);

    /// <summary>Bytes of memory Redis uses now (INFO memory's used_memory).</summary>
    public static async Task<long> UsedMemoryAsync(CrumbsApp crumbs)
    {
        var info = await SendAsync(crumbs, "INFO", "memory");
        var line = info.Split("\r\n").Single(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>CONFIG GET of one setting of the running Redis (e.g. maxmemory), through the app's connection string.</summary>
    public static async Task<string> ConfigGetAsync(CrumbsApp crumbs, string setting)
    {
        var reply = (await SendAsync(crumbs, "CONFIG", "GET", setting)).Split('\n');   // [name, value]
        Assert.True(reply.Length == 2, $"CONFIG GET {setting} answered {string.Join(" ", reply)}");
        return reply[1];
    }

    /// <summary>Sends one command (after AUTH) and returns its reply as text: a bulk string's content, an array's elements a line each, or the raw line.</summary>
    public static async Task<string> SendAsync(CrumbsApp crumbs, params string[] command)
    {
        var ct = TestContext.Current.CancellationToken;
        var parts = (await crumbs.App.GetConnectionStringAsync("cache", ct))!.Split(',');   // host:port,password=...
        var (host, port) = (parts[0].Split(':')[0], int.Parse(parts[0].Split(':')[1], CultureInfo.InvariantCulture));
        var password = parts.FirstOrDefault(p => p.StartsWith("password=", StringComparison.Ordinal))?["password=".Length..];

        using var client = new TcpClient();
        await client.ConnectAsync(host, port, ct);
        using var reader = new BufferedStream(client.GetStream());
        if (password is not null)
        {
            await ReplyAsync(reader, ["AUTH", password], ct);
        }

        return await ReplyAsync(reader, command, ct);
    }

    private static async Task<string> ReplyAsync(BufferedStream stream, string[] command, CancellationToken ct)
    {
        var resp = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (var arg in command)
        {
            resp.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(resp.ToString()), ct);
        await stream.FlushAsync(ct);
        return await ReadReplyAsync(stream, command[0], ct);
    }

    private static async Task<string> ReadReplyAsync(BufferedStream stream, string command, CancellationToken ct)
    {
        var line = ReadLine(stream);
        Assert.False(line.StartsWith('-'), $"Redis refused {command}: {line}");
        if (line.StartsWith('*') && line != "*-1")
        {
            var elements = new List<string>();
            for (var i = int.Parse(line[1..], CultureInfo.InvariantCulture); i > 0; i--)
            {
                elements.Add(await ReadReplyAsync(stream, command, ct));
            }

            return string.Join('\n', elements);
        }

        if (!line.StartsWith('$') || line == "$-1")
        {
            return line;
        }

        var body = new byte[int.Parse(line[1..], CultureInfo.InvariantCulture) + 2];
        await stream.ReadExactlyAsync(body, ct);
        return Encoding.UTF8.GetString(body, 0, body.Length - 2);
    }

    private static string ReadLine(BufferedStream stream)
    {
        var line = new StringBuilder();
        for (int b; (b = stream.ReadByte()) is not -1 and not '\n';)
        {
            if (b != '\r')
            {
                line.Append((char)b);
            }
        }

        return line.ToString();
    }
}
