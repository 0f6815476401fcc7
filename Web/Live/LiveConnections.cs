using System.Collections.Concurrent;
using System.Security.Claims;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Live;
using Crumbs.Domain.Timelines;
using Crumbs.Web.Accounts;
using Crumbs.Web.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Web.Live;

/// <summary>
/// This clone's open live connections, by reader and by session. New posts come from the worker on one Redis channel
/// (<see cref="NewPosts"/>) naming their readers; each clone writes to its own connections of those readers, which the
/// Redis lifetime manager does locally, with no backplane round trip. Ending a session (sign-out, sign out everywhere,
/// a password change) publishes its id on the sessions channel; every clone aborts that session's connections at once.
/// </summary>
public sealed partial class LiveConnections
{
    // Where the cookie handler keeps the session id inside the cookie when the ticket lives in a session store.
    private const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    private readonly ConcurrentDictionary<string, Connection> _byId = new();
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, Connection>> _byReader = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Connection>> _bySession = new();
    private readonly IHubContext<LiveHub> _hub;
    private readonly IConnectionMultiplexer _redis;
    private readonly IOptionsMonitor<CookieAuthenticationOptions> _cookies;
    private readonly Celebrities _celebrities;
    private readonly NpgsqlDataSource _db;
    private readonly LiveTelemetry _telemetry;
    private readonly OnlineReaders _online;
    private readonly ILogger<LiveConnections> _logger;

    public LiveConnections(IHubContext<LiveHub> hub, IConnectionMultiplexer redis, IOptionsMonitor<CookieAuthenticationOptions> cookies,
        Celebrities celebrities, NpgsqlDataSource db, LiveTelemetry telemetry, OnlineReaders online, LocalInvalidation invalidation,
        ILogger<LiveConnections> logger)
    {
        (_hub, _redis, _cookies, _celebrities, _db, _telemetry, _online, _logger) = (hub, redis, cookies, celebrities, db, telemetry, online, logger);
        invalidation.Subscribe(RedisTicketStore.Channel, Revoked, () => _ = RecheckAllAsync());
    }

    public static string CelebrityGroup(long authorId) => $"celebrity:{authorId}";

    /// <summary>The readers with an open connection on this clone (kept online by <see cref="LivePresence"/>).</summary>
    public IReadOnlyCollection<long> Readers => [.. _byReader.Keys];

    public async Task AddAsync(HubCallerContext context, IGroupManager groups, CancellationToken ct)
    {
        if (context.User?.Identity?.IsAuthenticated != true || SessionOf(context) is not { } session)
        {
            context.Abort();
            return;
        }

        var connection = new Connection(context, context.User.Id(), session);
        _byId[context.ConnectionId] = connection;
        _byReader.GetOrAdd(connection.ReaderId, _ => new()).TryAdd(context.ConnectionId, connection);
        _bySession.GetOrAdd(session, _ => new()).TryAdd(context.ConnectionId, connection);
        _telemetry.Connected();
        // Registered first, then checked: a revocation that raced this connect is seen one way or the other.
        if (!await _redis.GetDatabase().KeyExistsAsync(RedisTicketStore.SessionKey(session)))
        {
            context.Abort();
            return;
        }

        // Online after registering, and before the page asks what it missed: a fan-out that checks before this has
        // written the timelines already, so the page reads the post; one that checks after names this reader.
        await _online.MarkAsync([connection.ReaderId]);

        // A celebrity's posts are not fanned out: one group per followed celebrity reaches every open page at once.
        foreach (var celebrity in await _celebrities.FollowedByAsync(_db, connection.ReaderId, ct))
        {
            await groups.AddToGroupAsync(context.ConnectionId, CelebrityGroup(celebrity), ct);
        }
    }

    public void Remove(HubCallerContext context)
    {
        if (!_byId.TryRemove(context.ConnectionId, out var connection))
        {
            return;
        }

        _telemetry.Disconnected();
        Forget(_byReader, connection.ReaderId, context.ConnectionId);
        Forget(_bySession, connection.Session, context.ConnectionId);
    }

    /// <summary>Tells this clone's open pages of the post's readers; other clones do the same for theirs.</summary>
    public void Deliver(NewPost post)
    {
        foreach (var reader in post.Readers)
        {
            if (!_byReader.TryGetValue(reader, out var connections))
            {
                continue;
            }

            foreach (var id in connections.Keys)
            {
                _ = SendAsync(id, post);
            }
        }
    }

    private async Task SendAsync(string connectionId, NewPost post)
    {
        try
        {
            await _hub.Clients.Client(connectionId).SendAsync(LiveHub.NewPostMethod, post.PostId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _telemetry.Delivered();
        }
        catch (Exception e)
        {
            LogSendFailed(_logger, e, connectionId);
        }
    }

    private void Revoked(string[] sessions)
    {
        foreach (var session in sessions)
        {
            if (_bySession.TryGetValue(session, out var connections))
            {
                foreach (var connection in connections.Values)
                {
                    connection.Context.Abort();
                }
            }
        }
    }

    // After Redis comes back, revocations may have been missed: a connection whose session is gone is closed.
    private async Task RecheckAllAsync()
    {
        try
        {
            var database = _redis.GetDatabase();
            foreach (var session in _bySession.Keys)
            {
                if (!await database.KeyExistsAsync(RedisTicketStore.SessionKey(session)))
                {
                    Revoked([session]);
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRecheckFailed(_logger, e);
        }
    }

    private string? SessionOf(HubCallerContext context)
    {
        if (context.GetHttpContext() is not { } http)
        {
            return null;
        }

        var options = _cookies.Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var cookie = options.CookieManager.GetRequestCookie(http, options.Cookie.Name!);
        return cookie is null ? null : options.TicketDataFormat.Unprotect(cookie)?.Principal.FindFirstValue(SessionIdClaim);
    }

    private static void Forget<TKey>(ConcurrentDictionary<TKey, ConcurrentDictionary<string, Connection>> index, TKey key, string connectionId)
        where TKey : notnull
    {
        if (index.TryGetValue(key, out var connections) && connections.TryRemove(connectionId, out _) && connections.IsEmpty)
        {
            index.TryRemove(new KeyValuePair<TKey, ConcurrentDictionary<string, Connection>>(key, connections));
        }
    }

    private sealed record Connection(HubCallerContext Context, long ReaderId, string Session);

    [LoggerMessage(LogLevel.Debug, "Could not write to live connection {ConnectionId}")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(LogLevel.Warning, "Could not recheck the live connections' sessions after Redis came back")]
    private static partial void LogRecheckFailed(ILogger logger, Exception exception);
}
