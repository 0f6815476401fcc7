using Crumbs.Domain.Accounts;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Baking;
using Crumbs.Domain.Database;
using Crumbs.Domain.Media;
using Crumbs.Domain.Exports;
using Crumbs.Domain.Follows;
using Crumbs.Domain.Jobs;
using Crumbs.Domain.Live;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crumbs.Domain.Hosting;

public static class Backends
{
    /// <summary>
    /// Connects a service to Redis ("cache") and Postgres ("db") through the Aspire client integrations (each with
    /// its health check, metrics and traces), upgrades the schema before it starts, and registers the stores that
    /// Web and Worker share. The broker is the worker's alone (Worker/Messaging/Broker.cs): the web writes the outbox.
    /// </summary>
    /// <param name="builder">The host.</param>
    /// <param name="statelessSessions">
    /// True when no code of this host leaves session state (LISTEN, SET, session advisory locks) on a pooled connection:
    /// then a connection goes back to the pool without the reset statements Npgsql otherwise runs on its next use, which
    /// were a few percent of Postgres' CPU per cold timeline read and seven statements per fan-out. Web and worker are:
    /// SchemaUpgrade releases its lock itself, in a finally, and the worker's outbox signal, which LISTENs and holds a
    /// session lock, uses unpooled connections of its own (Worker/Messaging/SessionConnections).
    /// </param>
    public static TBuilder AddBackends<TBuilder>(this TBuilder builder, bool statelessSessions = false) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient("cache", configureOptions: Timeouts.Apply);
        var poolSize = ConnectionPool.Size(builder.Configuration);
        builder.AddNpgsqlDataSource("db", configureDataSourceBuilder: db =>
        {
            Timeouts.Apply(db);
            // The same few statements run all day: prepared once per connection, Postgres stops parsing and planning
            // them on every call (the write path's CTEs and the fan-out were most of its CPU per post).
            db.ConnectionStringBuilder.MaxAutoPrepare = 64;
            db.ConnectionStringBuilder.MaxPoolSize = poolSize;
            db.ConnectionStringBuilder.ApplicationName = Replica.Name;   // pg_stat_activity names the clone of every connection
            db.ConnectionStringBuilder.NoResetOnClose = statelessSessions;
        });
        builder.AddObjectCache();
        builder.Services.AddHostedService<SchemaUpgrade>();
        builder.Services.AddOptions<ImageLimits>().BindConfiguration(ImageLimits.Section)
            .Validate(limits => limits.MaxPixels > 0, $"{ImageLimits.Section}:MaxPixels must be above 0.").ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<MediaStore>();
        builder.Services.AddSingleton<Avatars>();
        builder.Services.AddSingleton<PostStore>();
        builder.Services.AddSingleton<FollowStore>();
        builder.Services.AddOptions<TimelineOptions>().BindConfiguration(TimelineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Celebrities>();
        builder.Services.AddSingleton<TimelineStore>();
        builder.Services.AddSingleton<HomeFeeds>();
        builder.Services.AddSingleton<OnlineReaders>();
        builder.Services.AddSingleton<NewPosts>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddSingleton<BakedReads>();
        builder.Services.AddSingleton<OutboxBell>();
        return builder;
    }
}
