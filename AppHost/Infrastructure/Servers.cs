using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// Declares Redis, Postgres and RabbitMQ under the same names whatever the mode, so the rest of the
/// AppHost (references, WaitFor, health) does not care where the servers come from.
/// </summary>
public sealed partial class Servers
{
    private readonly IDistributedApplicationBuilder _builder;
    private readonly LocalData? _data;

    private Servers(IDistributedApplicationBuilder builder, ServerMode mode)
    {
        _builder = builder;
        Mode = mode;
        _data = mode == ServerMode.Local ? LocalData.Open(builder.Configuration) : null;
    }

    public ServerMode Mode { get; }

    /// <summary>Publish mode always uses containers; run mode follows Servers:Mode (default auto).</summary>
    public static Servers Choose(IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue("Servers:Mode", ServerMode.Auto);
        if (builder.ExecutionContext.IsPublishMode)
        {
            mode = ServerMode.Containers;
        }
        else if (mode == ServerMode.Auto)
        {
            mode = ContainerRuntime.Answers() ? ServerMode.Containers : ServerMode.Local;
        }

        return new Servers(builder, mode);
    }

    public IResourceBuilder<IResourceWithConnectionString> AddRedis(string name) => Mode switch
    {
        ServerMode.Containers => _builder.AddRedis(name).WithDataVolume().WithPersistence()
            .WithMemoryLimit(RedisMemory.MaxMemory(_builder.Configuration)),
        ServerMode.Local => _builder.AddLocalRedis(name, _data!, RedisMemory.MaxMemory(_builder.Configuration)),
        _ => _builder.AddConnectionString(name),   // set maxmemory and maxmemory-policy volatile-ttl on it yourself
    };

    public IResourceBuilder<IResourceWithConnectionString> AddPostgres(string serverName, string databaseName) => Mode switch
    {
        ServerMode.Containers => _builder.AddPostgres(serverName).WithDataVolume().AddDatabase(databaseName),
        ServerMode.Local => _builder.AddLocalPostgres(serverName, databaseName, _data!),
        _ => _builder.AddConnectionString(databaseName),
    };

    public IResourceBuilder<IResourceWithConnectionString> AddRabbitMQ(string name) => Mode switch
    {
        ServerMode.Containers => _builder.AddRabbitMQ(name).WithDataVolume().WithManagementPlugin(),
        ServerMode.Local => _builder.AddLocalRabbitMQ(name, _data!),
        _ => _builder.AddConnectionString(name),
    };

    /// <summary>Says in the AppHost's console where Crumbs can be reached once the web app is up.</summary>
    public void AnnounceWhenReady(IResourceBuilder<ProjectResource> web)
    {
        web.OnResourceReady((resource, ready, _) =>
        {
            var logger = ready.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Crumbs");
            LogReady(logger, resource.GetEndpoint("http").Url, Mode, _data?.Root ?? "containers' volumes");
            return Task.CompletedTask;
        });
    }

    [LoggerMessage(LogLevel.Information, "Crumbs is ready at {Url} (servers: {Mode}; data in {Data})")]
    private static partial void LogReady(ILogger logger, string url, ServerMode mode, string data);
}
