using Crumbs.Domain.Live;
using Crumbs.Domain.Posts;
using Microsoft.AspNetCore.Http.Connections;
using StackExchange.Redis;

namespace Crumbs.Web.Live;

public static class LiveServices
{
    /// <summary>
    /// SignalR with the Redis backplane on the app's Redis (its own connection, channels under "crumbs:live:signalr"),
    /// so a message sent to a group or user on one clone reaches that group's connections on every clone.
    /// </summary>
    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(hub =>
        {
            hub.EnableDetailedErrors = false;
            hub.MaximumReceiveMessageSize = 4 * 1024;    // the page sends pings, the handshake and at most 50 post ids
        }).AddStackExchangeRedis(builder.Configuration.GetConnectionString("cache") ?? "", redis =>
        {
            redis.Configuration.ChannelPrefix = RedisChannel.Literal("crumbs:live:signalr");
            Domain.Hosting.Timeouts.Apply(redis.Configuration);   // as the app's own connection: no spinning I/O threads of its own
        });
        builder.Services.AddSingleton<LiveTelemetry>();
        builder.Services.AddSingleton<LiveConnections>();
        builder.Services.AddSingleton<LivePosts>();
        builder.Services.AddSingleton<WatchedPosts>();
        builder.Services.AddHostedService<LivePresence>();
        builder.Services.AddHostedService<LiveFeed>();
        return builder;
    }

    /// <summary>/live: signed-in only (401 otherwise, never a redirect), and only from a page of this site (403).</summary>
    public static void MapLive(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(LiveHub.Path), branch => branch.Use((context, next) =>
        {
            if (SameOrigin(context))
            {
                return next(context);
            }

            return Results.Problem(title: "Foreign origin", detail: "The live channel only serves this site's own pages.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        }));
        app.MapHub<LiveHub>(LiveHub.Path, options =>
        {
            options.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
            options.CloseOnAuthenticationExpiration = true;
        }).RequireAuthorization();
    }

    /// <summary>
    /// A browser names the page's origin on the WebSocket upgrade and on the negotiate POST: another site's page may not
    /// use the visitor's cookie here. A program that sends no Origin holds the cookie itself and gains nothing.
    /// </summary>
    public static bool SameOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        return string.IsNullOrEmpty(origin)
            || string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Hands the worker's new-post messages to this clone's connections.</summary>
public sealed class LiveFeed(NewPosts posts, LiveConnections connections) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => posts.SubscribeAsync(connections.Deliver);
}
