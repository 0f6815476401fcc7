using Crumbs.Domain.Hosting;
using Npgsql;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Unpooled connections to the app's database, for code that keeps state on its session (the outbox signal's
/// session advisory lock and idle timeout). Closing one ends the session and all of that with it, so nothing it
/// did reaches a pooled connection: the pooled ones go back to their pool without Npgsql's reset (see AddBackends).
/// </summary>
public sealed class SessionConnections : IDisposable
{
    public SessionConnections(IConfiguration configuration)
    {
        var builder = new NpgsqlDataSourceBuilder(configuration.GetConnectionString("db")
            ?? throw new InvalidOperationException("ConnectionStrings:db is not set."));
        Timeouts.Apply(builder);
        builder.ConnectionStringBuilder.Pooling = false;
        DataSource = builder.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    public void Dispose() => DataSource.Dispose();
}
