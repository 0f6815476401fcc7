using HealthChecks.RabbitMQ;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// Local-process mode: real redis-server, postgres and rabbitmq-server started by the AppHost from the scripts
/// beside this file, on ports the orchestrator allocates, each with a health check that really talks to it.
/// </summary>
public static class LocalServers
{
    public static IResourceBuilder<LocalServerResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, LocalData data, string maxMemory)
    {
        var server = Executables.Require("redis-server", "redis-server");
        var password = builder.AddParameter($"{name}-password", data.Secret(name), secret: true);
        var redis = builder.AddLocalServer(name, "redis.sh", data)
            .WithEnvironment("REDIS_SERVER", server)
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithEnvironment("REDIS_MAXMEMORY", maxMemory)
            .WithEnvironment("REDIS_MAXMEMORY_POLICY", RedisMemory.Policy);
        redis.Resource.ConnectionStringExpression = ReferenceExpression.Create(
            $"{redis.Resource.Endpoint.Property(EndpointProperty.HostAndPort)},password={password.Resource}");
        return redis.WithConnectionHealthCheck((checks, key, connectionString) =>
            checks.AddRedis(_ => connectionString(), name: key));
    }

    public static IResourceBuilder<LocalDatabaseResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string databaseName, LocalData data)
    {
        var binaries = Path.GetDirectoryName(Executables.Require("postgres", "postgresql", PostgresBinaryFolders()))!;
        var password = builder.AddParameter($"{name}-password", data.Secret(name), secret: true);
        var postgres = builder.AddLocalServer(name, "postgres.sh", data)
            .WithEnvironment("PG_BIN", binaries)
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithEnvironment("POSTGRES_DB", databaseName);
        postgres.Resource.ConnectionStringExpression = ReferenceExpression.Create(
            $"Host={postgres.Resource.Endpoint.Property(EndpointProperty.Host)};Port={postgres.Resource.Endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={password.Resource}");
        postgres.WithConnectionHealthCheck((checks, key, connectionString) =>
            checks.AddNpgSql(_ => connectionString(), name: key));

        // The script creates the database with the cluster; the child follows its server's life in the dashboard.
        var database = builder.AddResource(new LocalDatabaseResource(databaseName, databaseName, postgres.Resource))
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.Waiting, Properties = [] })
            .WithConnectionHealthCheck((checks, key, connectionString) =>
                checks.AddNpgSql(_ => connectionString(), name: key));
        postgres.OnResourceReady(async (_, ready, ct) =>
        {
            await builder.Eventing.PublishAsync(new ConnectionStringAvailableEvent(database.Resource, ready.Services), ct);
            await ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database.Resource,
                state => state with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
        });
        return database;
    }

    public static IResourceBuilder<LocalServerResource> AddLocalRabbitMQ(
        this IDistributedApplicationBuilder builder, string name, LocalData data)
    {
        Executables.Require("rabbitmq-server", "rabbitmq-server", "/usr/lib/rabbitmq/bin");
        var password = builder.AddParameter($"{name}-password", data.Secret(name), secret: true);
        var rabbit = builder.AddLocalServer(name, "rabbitmq.sh", data)
            .WithEndpoint(name: "dist", scheme: "tcp", env: "RABBITMQ_DIST_PORT", isProxied: false)
            .WithEnvironment("RABBITMQ_DEFAULT_USER", "crumbs")
            .WithEnvironment("RABBITMQ_DEFAULT_PASS", password)
            // The node name is tied to its data; one per data folder lets several copies of Crumbs run side by side.
            .WithEnvironment("RABBITMQ_NODENAME", $"crumbs-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(data.Root)))[..8].ToLowerInvariant()}@localhost");
        rabbit.Resource.ConnectionStringExpression = ReferenceExpression.Create(
            $"amqp://crumbs:{password.Resource}@{rabbit.Resource.Endpoint.Property(EndpointProperty.HostAndPort)}");

        IConnection? connection = null;
        return rabbit.WithConnectionHealthCheck((checks, key, connectionString) =>
            checks.AddRabbitMQ(async _ => connection ??= await new ConnectionFactory { Uri = new Uri(connectionString()) }
                .CreateConnectionAsync(), name: key));
    }

    private static IResourceBuilder<LocalServerResource> AddLocalServer(
        this IDistributedApplicationBuilder builder, string name, string script, LocalData data)
    {
        var scripts = Path.Combine(builder.AppHostDirectory, "Infrastructure", "scripts");
        return builder.AddResource(new LocalServerResource(name, "bash", data.Folder(name)))
            .WithArgs(Path.Combine(scripts, script))
            .WithEnvironment("DATA_DIR", data.Folder(name))
            .WithEndpoint(name: LocalServerResource.EndpointName, scheme: "tcp", env: "PORT", isProxied: false)
            .WithIconName("Server")
            .ExcludeFromManifest();
    }

    /// <summary>Registers a health check that runs once the resource's connection string is known.</summary>
    private static IResourceBuilder<T> WithConnectionHealthCheck<T>(this IResourceBuilder<T> resource,
        Action<IHealthChecksBuilder, string, Func<string>> register)
        where T : IResourceWithConnectionString
    {
        string? connectionString = null;
        resource.OnConnectionStringAvailable(async (r, _, ct) => connectionString = await r.GetConnectionStringAsync(ct));
        var key = $"{resource.Resource.Name}_check";
        register(resource.ApplicationBuilder.Services.AddHealthChecks(), key,
            () => connectionString ?? throw new InvalidOperationException("The connection string is not known yet."));
        return resource.WithHealthCheck(key);
    }

    private static string[] PostgresBinaryFolders() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql")
            .OrderByDescending(v => int.TryParse(Path.GetFileName(v), out var major) ? major : 0)
            .Select(v => Path.Combine(v, "bin")).ToArray()
        : [];
}
