using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(Crumbs.Tests.Infrastructure.CrumbsApp))]

namespace Crumbs.Tests.Infrastructure;

/// <summary>
/// The whole app, started once for the test run: the real AppHost in local-process mode (real redis-server,
/// postgres and rabbitmq-server), 3 web replicas and 2 workers, on a data folder of its own that is thrown away.
/// </summary>
public sealed class CrumbsApp : IAsyncLifetime
{
    public const int WebReplicas = 3;
    public const int WorkerReplicas = 2;
    public const int MaxRetries = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), $"crumbs-tests-{Guid.NewGuid():N}");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public Uri WebAddress => App.GetEndpoint("web", "http");

    /// <summary>The workers' HTTP endpoint (health and operator endpoints), shared by the replicas.</summary>
    public Uri WorkerAddress => App.GetEndpoint("worker", "http");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "--Servers:Mode=local",
                $"--Servers:DataPath={_dataPath}",
                $"--Crumbs:WebReplicas={WebReplicas}",
                $"--Crumbs:WorkerReplicas={WorkerReplicas}",
                $"--Crumbs:Messaging:MaxRetries={MaxRetries}",
                "--Crumbs:Messaging:RetryBaseDelay=00:00:00.250", // retries after 0.25, 0.5, 1, 2, 4 s
            ],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "cache", "postgres", "db", "messaging", "web", "worker" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    /// <summary>A client that opens a new connection for every request, so the requests spread over the replicas.</summary>
    public HttpClient CreateClient() => new(new NewConnectionPerRequest(new SocketsHttpHandler()))
    {
        BaseAddress = WebAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }

    private sealed class NewConnectionPerRequest(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.ConnectionClose = true;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
