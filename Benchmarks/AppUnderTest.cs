using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Crumbs.Benchmarks;

/// <summary>One running Crumbs (the AppHost in local-process mode, on ports of its own) and its processes.</summary>
public sealed partial class AppUnderTest : IAsyncDisposable
{
    private readonly Process _appHost;
    private readonly string _runId;

    private AppUnderTest(Process appHost, string runId, string dataPath, Uri proxy)
    {
        _appHost = appHost;
        _runId = runId;
        DataPath = dataPath;
        Proxy = proxy;
    }

    public string DataPath { get; }

    /// <summary>The AppHost's proxy in front of every web replica.</summary>
    public Uri Proxy { get; }

    public int AppHostPid => _appHost.Id;

    /// <summary>The operator key the AppHost made for this run, kept in its data folder (as `./crumbs seed` reads it).</summary>
    public string AdminKey => File.ReadAllText(Path.Combine(DataPath, "secrets", "admin-key")).Trim();

    /// <summary>The share of new traces kept, as a deployment samples them (ServiceDefaults' default outside Development).</summary>
    public const string DeployedTraceRatio = "0.05";

    /// <summary>
    /// Starts the AppHost as a deployment runs telemetry: no dashboard on the measured cores, traces sampled at
    /// <see cref="DeployedTraceRatio"/> (parent-based), the SDK's own batch and metric intervals, and OTLP/HTTP export to
    /// <paramref name="otlpSink"/>.
    /// </summary>
    public static async Task<AppUnderTest> StartAsync(string repo, string runId, string logPath, int webReplicas, TimeSpan within, Uri otlpSink)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"crumbs-bench-{runId}");
        var start = new ProcessStartInfo(Path.Combine(repo, "AppHost/bin/Release/net10.0/AppHost"))
        {
            WorkingDirectory = Path.Combine(repo, "AppHost"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--Servers:Mode=local", $"--Servers:DataPath={dataPath}", $"--Crumbs:WebPort={FreePort()}",
            $"--Crumbs:WebReplicas={webReplicas}", "--Crumbs:Diagnostics:BenchEndpoints=true", $"--Crumbs:Bench:RunId={runId}",
            // One machine plays every user: the per-user and per-address limits would measure themselves.
            "--Crumbs:SignIn:AttemptsPerAddress=1000000", "--Crumbs:Quotas:Posts:Limit=10000000",
            "--Crumbs:Quotas:Likes:Limit=10000000", "--Crumbs:Quotas:Follows:Limit=10000000", "--Crumbs:Quotas:SignUps:Limit=10000000",
            // Telemetry as deployed (AppHost/Infrastructure/ProjectTelemetry.cs), not the development dashboard's.
            "--Crumbs:Dashboard=false", "--OTEL_TRACES_SAMPLER=parentbased_traceidratio", $"--OTEL_TRACES_SAMPLER_ARG={DeployedTraceRatio}",
            // The projects as deployed, not their launch profile's Development (the bench switches are refused only in Production).
            "--Crumbs:ProjectEnvironment=Staging",
        })
        {
            start.ArgumentList.Add(arg);
        }

        // Ports of our own for the AppHost: others may run Crumbs on this machine. The projects export OTLP/HTTP to the sink.
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
        start.Environment.Remove("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL");
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = otlpSink.ToString().TrimEnd('/');
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StreamWriter(logPath) { AutoFlush = true };
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.WriteLine(line);
            }

            if (ReadyLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var app = new AppUnderTest(process, runId, dataPath, await ready.Task.WaitAsync(within));
            await app.WaitForReplicasAsync(webReplicas, within);
            return app;
        }
        catch (Exception)
        {
            // An app that did not come up is stopped with its servers: else they ran on after the bench had ended.
            Console.WriteLine($"Crumbs did not come up within {within} (its log: {logPath}); stopping it ...");
            await StopAsync(process, dataPath);
            throw;
        }
    }

    /// <summary>The web and worker processes of this run (found by the run id the AppHost passed them).</summary>
    public IReadOnlyList<int> Pids(string service) => Procs.All()
        .Where(pid => Procs.Comm(pid) == $"Crumbs.{char.ToUpperInvariant(service[0])}{service[1..]}"
                      && Procs.Environment(pid).GetValueOrDefault("Crumbs__Bench__RunId") == _runId)
        .Order().ToList();

    /// <summary>Each web replica's own address, behind the proxy.</summary>
    public IReadOnlyList<Uri> WebReplicas() => Replicas("web");

    /// <summary>Each replica's own address (web or worker).</summary>
    public IReadOnlyList<Uri> Replicas(string service) => Pids(service)
        .Select(pid => new Uri(Procs.Environment(pid)["ASPNETCORE_URLS"].Split(';')[0]))
        .ToList();

    public string Setting(string name) => ReplicaEnvironment()[name];

    /// <summary>The environment the AppHost gave the first web replica: connection strings, keys, settings.</summary>
    public Dictionary<string, string> ReplicaEnvironment() => Procs.Environment(Pids("web")[0]);

    /// <summary>Postgres, Redis and RabbitMQ of this run: processes whose command line names the data folder or the port.</summary>
    public IReadOnlyList<int> ServerPids(string server)
    {
        var dbPort = Regex.Match(Setting("ConnectionStrings__db"), "Port=(\\d+)").Groups[1].Value;
        var redisPort = Regex.Match(Setting("ConnectionStrings__cache"), ":(\\d+)").Groups[1].Value;
        return server switch
        {
            "postgres" => Procs.All().Where(pid => Procs.Comm(pid) == "postgres" && Procs.Family(pid, p => Procs.CommandLine(p).Contains(DataPath, StringComparison.Ordinal))).ToList(),
            "redis" => Procs.All().Where(pid => Procs.Comm(pid).StartsWith("redis-server", StringComparison.Ordinal) && Procs.CommandLine(pid).Contains($":{redisPort}", StringComparison.Ordinal)).ToList(),
            "rabbitmq" => Procs.All().Where(pid => Procs.Comm(pid) == "beam.smp" && Procs.CommandLine(pid).Contains(DataPath, StringComparison.Ordinal)).ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(server), dbPort),
        };
    }

    private async Task WaitForReplicasAsync(int count, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient();
        while (true)
        {
            var replicas = WebReplicas();
            if (replicas.Count == count && Pids("worker").Count > 0)
            {
                var healthy = 0;
                foreach (var replica in replicas)
                {
                    try
                    {
                        healthy += (await http.GetAsync(new Uri(replica, "/health"))).IsSuccessStatusCode ? 1 : 0;
                    }
                    catch (HttpRequestException)
                    {
                        // not listening yet
                    }
                }

                if (healthy == count)
                {
                    return;
                }
            }

            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"{count} healthy web replicas did not appear within {within}.");
            }

            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(_appHost, DataPath);

    private static async Task StopAsync(Process appHost, string dataPath)
    {
        if (!appHost.HasExited)
        {
            // SIGTERM: the AppHost stops its servers and replicas itself. (SIGINT is ignored when the bench runs in the
            // background, as nohup or a script starts it: each size then waited 45 s for the timeout below.)
            using var kill = Process.Start("kill", ["-TERM", appHost.Id.ToString()]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
            try
            {
                await appHost.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                appHost.Kill();
            }
        }

        appHost.Dispose();
        await RemoveDataAsync(dataPath);
    }

    /// <summary>
    /// A fresh data set every run (gigabytes at the default size). The AppHost can exit before its servers do, and
    /// Postgres still writing its last WAL into the folder failed the delete: so wait for the servers, then delete,
    /// for up to 30 s.
    /// </summary>
    private static async Task RemoveDataAsync(string dataPath)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (!Procs.All().Any(pid => Procs.CommandLine(pid).Contains(dataPath, StringComparison.Ordinal)))
                {
                    Directory.Delete(dataPath, recursive: true);
                    return;
                }
            }
            catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"Could not remove {dataPath}: {e.Message}");
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a server's last file appeared while deleting: once more
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"Could not remove {dataPath}: its servers were still running after 30 s.");
                return;
            }

            await Task.Delay(500);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Crumbs is ready at (\S+)")]
    private static partial Regex ReadyLine();
}
