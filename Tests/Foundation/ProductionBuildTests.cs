using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Foundation;

/// <summary>
/// Nothing test-only in a production run: a web replica started in Production, on the test app's servers, has no
/// bench endpoints, ignores X-Capture-Sql and serves no API reference; and a service asked to turn a diagnostic on
/// in Production refuses to start, naming the key.
/// </summary>
public sealed class ProductionBuildTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_web_replica_in_Production_has_no_test_or_bench_switches()
    {
        var port = FreePort();
        await using var web = await ServiceProcess.StartAsync(new Projects.Web().ProjectPath, await ServersAsync(port));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.GetAsync(async () => web.HasExited ? throw new InvalidOperationException(web.Output)
            : await TryGetAsync(client, "/alive") == HttpStatusCode.OK ? "up" : null, TimeSpan.FromSeconds(90), "the Production replica to answer");

        Assert.Equal(HttpStatusCode.NotFound, await TryGetAsync(client, "/bench/plaintext"));
        Assert.Equal(HttpStatusCode.NotFound, await TryGetAsync(client, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.NotFound, await TryGetAsync(client, "/scalar/"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/trending");
        request.Headers.Add("X-Capture-Sql", "1");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Sql-Statements"), "Production captured SQL for a request that asked");
    }

    [Theory]
    [InlineData("web", "SqlCapture")]
    [InlineData("web", "BenchEndpoints")]
    [InlineData("worker", "FailureInjection")]
    [InlineData("web", "SkipDistributedLocker")]
    [InlineData("web", "SlowCacheLoads")]
    [InlineData("worker", "PrivateFolders")]
    public async Task A_service_asked_for_a_diagnostic_in_Production_refuses_to_start_naming_the_key(string project, string key)
    {
        var environment = await ServersAsync(FreePort());
        environment[$"Crumbs__Diagnostics__{key}"] = "true";
        await using var service = await ServiceProcess.StartAsync(
            project == "web" ? new Projects.Web().ProjectPath : new Projects.Worker().ProjectPath, environment);
        await Eventually.GetAsync(() => Task.FromResult(service.HasExited ? "exited" : null), TimeSpan.FromSeconds(90), $"{project} to refuse to start");
        Assert.NotEqual(0, service.ExitCode);
        Assert.Contains($"Crumbs:Diagnostics:{key}", service.Output, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, string>> ServersAsync(int port)
    {
        var ct = TestContext.Current.CancellationToken;
        return new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__cache"] = (await crumbs.App.GetConnectionStringAsync("cache", ct))!,
            ["ConnectionStrings__db"] = (await crumbs.App.GetConnectionStringAsync("db", ct))!,
            ["ConnectionStrings__messaging"] = (await crumbs.App.GetConnectionStringAsync("messaging", ct))!,
        };
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A built project run on its own (`dotnet run --no-build`), its output kept, its tree killed at the end.</summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        private ServiceProcess(Process process) => _process = process;

        public bool HasExited => _process.HasExited;

        public int ExitCode => _process.ExitCode;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static Task<ServiceProcess> StartAsync(string projectPath, Dictionary<string, string> environment)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetDirectoryName(projectPath)!,
            };
            foreach (var arg in new[] { "run", "--no-build", "--no-launch-profile", "--project", projectPath })
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var service = new ServiceProcess(Process.Start(start)!);
            service._process.OutputDataReceived += (_, line) => service.Append(line.Data);
            service._process.ErrorDataReceived += (_, line) => service.Append(line.Data);
            service._process.BeginOutputReadLine();
            service._process.BeginErrorReadLine();
            return Task.FromResult(service);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
