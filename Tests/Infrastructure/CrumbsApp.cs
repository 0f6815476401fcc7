using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(Crumbs.Tests.Infrastructure.CrumbsApp))]
// One app for the whole run, and some tests stop and start its replicas: xunit.runner.json runs them one at a time.

namespace Crumbs.Tests.Infrastructure;

/// <summary>
/// The whole app, started once for the test run: the real AppHost in local-process mode (real redis-server,
/// postgres and rabbitmq-server), 3 web replicas and 2 workers, on a data folder of its own that is thrown away.
/// </summary>
public sealed class CrumbsApp : IAsyncLifetime
{
    public const int WebReplicas = 3;
    public const int WorkerReplicas = 2;
    public const int CelebrityThreshold = 3;
    /// <summary>A returning user's rebuilt home timeline holds this many posts at most (default 800), so a test can reach it.</summary>
    public const int TimelineRebuildSize = 5;
    public const int MaxRetries = 5;
    /// <summary>Postgres connections a web replica keeps at most (default 8), set apart from the default so a test sees the setting work.</summary>
    public const int WebDatabasePoolSize = 6;
    /// <summary>Wrong passwords for one handle, from all addresses together, before every address waits (default 100).</summary>
    public const int SignInFailuresPerHandle = 30;
    /// <summary>How long the baking lease holds without renewal: the longest a dead baker keeps the others waiting.</summary>
    public static readonly TimeSpan BakingLeaseTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), $"crumbs-tests-{Guid.NewGuid():N}");
    private DistributedApplication? _app;
    private Replicas? _replicas;
    private FolderWatch? _privateFoldersWatch;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public Uri WebAddress => App.GetEndpoint("web", "http");

    /// <summary>A connection to the app's database, for checks that the API cannot show (what the workers wrote).</summary>
    public async Task<Npgsql.NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new Npgsql.NpgsqlConnection(await App.GetConnectionStringAsync("db"));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Where every web and worker replica makes its own empty HOME and TMPDIR, &lt;replica name&gt;/home and /tmp
    /// (Crumbs:Diagnostics:PrivateFolders), so a test can tell each clone's files apart.
    /// </summary>
    public string PrivateFolders => Path.Combine(_dataPath, "private");

    /// <summary>Everything written under <see cref="PrivateFolders"/>, watched from before the app started.</summary>
    public FolderWatch PrivateFoldersWatch => _privateFoldersWatch ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>The running replicas of "web" or "worker", each with its name, process and own address.</summary>
    public Replicas Replicas => _replicas ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>The workers' HTTP endpoint (health and operator endpoints), shared by the replicas.</summary>
    public Uri WorkerAddress => App.GetEndpoint("worker", "http");

    /// <summary>The header that carries the operator key to /admin/* and /api/probes.</summary>
    public const string AdminKeyHeader = "X-Crumbs-Admin-Key";

    /// <summary>Where the AppHost keeps this run's operator key: in the data folder, where `./crumbs seed` reads it.</summary>
    public string AdminKeyFile => Path.Combine(_dataPath, "secrets", "admin-key");

    public bool AdminKeyFileExists() => File.Exists(AdminKeyFile);

    /// <summary>The operator key the AppHost generated for this run (none is given to it).</summary>
    public string AdminKey => File.ReadAllText(AdminKeyFile).Trim();

    /// <summary>A client like <see cref="CreateClient"/> that sends the operator key, to web or to another address.</summary>
    public HttpClient CreateOperatorClient(Uri? address = null)
    {
        var client = CreateClient();
        client.BaseAddress = address ?? WebAddress;
        client.DefaultRequestHeaders.Add(AdminKeyHeader, AdminKey);
        return client;
    }

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
                $"--Crumbs:Baking:LeaseTime={BakingLeaseTime:c}",
            ],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in new[] { "web", "worker" })
        {
            // Each replica its own HOME and TMPDIR, so a test can see whether a clone ever writes to one (NoLocalStateTests).
            builder.CreateResourceBuilder<ProjectResource>(project)
                .WithEnvironment("Crumbs__Diagnostics__PrivateFolders", PrivateFolders)
                // A small celebrity threshold, so a test can make an author too popular to fan out.
                .WithEnvironment("Crumbs__Timeline__CelebrityThreshold", CelebrityThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnvironment("Crumbs__Timeline__RebuildSize", TimelineRebuildSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Pictures nobody uses are pruned at once, not after a day, so a test can watch it (HousekeepingTests).
        builder.CreateResourceBuilder<ProjectResource>("worker").WithEnvironment("Crumbs__Housekeeping__OrphanedMediaKeptFor", "00:00:00");

        // Lets a test see every SQL statement a request runs (X-Capture-Sql); see Web/Hosting/SqlCapture.cs.
        builder.CreateResourceBuilder<ProjectResource>("web").WithEnvironment("Crumbs__Diagnostics__SqlCapture", "true")
            .WithEnvironment("Crumbs__Database__MaxPoolSize", WebDatabasePoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            // Lets the stampede test slow its loads and switch off the distributed locker per request (Web/Hosting/CacheDiagnostics.cs).
            .WithEnvironment("Crumbs__Diagnostics__SlowCacheLoads", "true")
            .WithEnvironment("Crumbs__Diagnostics__SkipDistributedLocker", "true")
            // The orchestrator's proxy in front of the replicas is the app's trusted proxy here, so a test can speak
            // for many client addresses with X-Forwarded-For; a peer at 127.0.0.2 is not trusted.
            .WithEnvironment("Crumbs__TrustedProxies__0", "127.0.0.1")
            .WithEnvironment("Crumbs__TrustedProxies__1", "::1")
            .WithEnvironment("Crumbs__SignIn__FailuresPerHandle", SignInFailuresPerHandle.ToString(System.Globalization.CultureInfo.InvariantCulture))
            // Every test signs in from this machine: the per-address cap on attempts would otherwise be the suite's.
            .WithEnvironment("Crumbs__SignIn__AttemptsPerAddress", "1000000")
            // Tests post, like, follow and sign up from one address far faster than a person; exports and pictures
            // keep their real quotas (QuotaTests).
            .WithEnvironment("Crumbs__Quotas__Posts__Limit", "1000000")
            .WithEnvironment("Crumbs__Quotas__Likes__Limit", "1000000")
            .WithEnvironment("Crumbs__Quotas__Follows__Limit", "1000000")
            .WithEnvironment("Crumbs__Quotas__SignUps__Limit", "1000000");

        _privateFoldersWatch = new FolderWatch(Directory.CreateDirectory(PrivateFolders).FullName);   // from before any replica starts
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        _replicas = new Replicas(_app);
        _replicas.Start();
        foreach (var resource in new[] { "cache", "postgres", "db", "messaging", "web", "worker" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    /// <summary>
    /// Stops one replica the way a crash or a scale-in does: its process gets the signal (TERM, or KILL), and the
    /// orchestrator sees it gone. (The orchestrator's own stop command times out on `dotnet run` processes here.)
    /// </summary>
    public async Task StopReplicaAsync(string name, string signal = "TERM")
    {
        var replica = Replicas.Of(name.Split('-')[0]).Single(r => r.Name == name);
        foreach (var pid in ProcessTree.Of(replica.ProcessId).Reverse())
        {
            using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        await Replicas.WaitForAsync(name, s => s.State?.Text is "Exited" or "Finished" or "Stopped" or "FailedToStart",
            TimeSpan.FromSeconds(60), "stopped");
    }

    /// <summary>Starts a stopped replica again and waits until it answers its readiness probe itself.</summary>
    public async Task StartReplicaAsync(string name)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var result = await App.ResourceCommands.ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(result.Success, result.Message);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.GetAsync(async () =>
        {
            var address = Replicas.Of(name.Split('-')[0]).SingleOrDefault(r => r.Name == name)?.Address;
            try
            {
                using var health = address is null ? null : await probe.GetAsync(new Uri(address, "/health"), timeout.Token);
                return health?.IsSuccessStatusCode == true ? address : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(90), $"{name} to answer /health again");
    }

    /// <summary>A client that opens a new connection for every request, so the requests spread over the replicas.</summary>
    public HttpClient CreateClient() => new(new NewConnectionPerRequest(new SocketsHttpHandler()))
    {
        BaseAddress = WebAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _privateFoldersWatch?.Dispose();

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
