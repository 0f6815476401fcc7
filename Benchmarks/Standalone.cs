using System.Diagnostics;

namespace Crumbs.Benchmarks;

/// <summary>
/// A process the bench starts itself beside the app: the bare Kestrel, or an extra web process with a running
/// replica's environment (its connection strings, keys and settings) and a few settings of its own.
/// </summary>
public static class Standalone
{
    /// <summary>Starts the executable of web replica <paramref name="replica"/> again, in its folder, with its environment and the overrides (null removes).</summary>
    public static async Task<(Process Process, Uri Url)> StartWebAsync(int replica, IReadOnlyDictionary<string, string?> overrides, string logPath)
    {
        var url = new Uri($"http://127.0.0.1:{AppUnderTest.FreePort()}");
        var start = new ProcessStartInfo(new FileInfo($"/proc/{replica}/exe").LinkTarget!)
        {
            WorkingDirectory = new DirectoryInfo($"/proc/{replica}/cwd").LinkTarget!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Clear();
        foreach (var (name, value) in Procs.Environment(replica))
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = url.ToString();
        foreach (var (name, value) in overrides)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start)!;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        void OnLine(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilAnswersAsync(process, new Uri(url, "/health"), TimeSpan.FromSeconds(90));
        return (process, url);
    }

    public static async Task WaitUntilAnswersAsync(Process process, Uri probe, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} stopped ({process.ExitCode}) before {probe} answered");
            }

            try
            {
                if ((await http.GetAsync(probe)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(300);
        }

        throw new TimeoutException($"{probe} did not answer within {within}");
    }

    /// <summary>Stops the process when disposed (await using).</summary>
    public static IAsyncDisposable Owned(Process process) => new Stopper(process);

    private sealed class Stopper(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await StopAsync(process);
    }

    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
