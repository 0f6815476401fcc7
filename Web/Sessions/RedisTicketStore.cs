using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Crumbs.Domain.Caching;
using StackExchange.Redis;

namespace Crumbs.Web.Sessions;

/// <summary>
/// WHERE SESSIONS LIVE: in Redis, not in the cookie. The cookie holds only a session id (protected with the shared
/// Data Protection keys). A clone keeps a copy of a session it read for at most <see cref="CacheOptions.LocalFor"/>
/// (one second), so a busy reader costs no Redis round trip per request; ending a session deletes it in Redis and
/// tells every clone to drop its copy at once (<see cref="LocalInvalidation"/>), and if that message is lost the copy
/// still ends within the second. So a signed-out or revoked session is refused on every clone within one second.
/// </summary>
public sealed class RedisTicketStore : ITicketStore, IDisposable
{
    internal const string Channel = "crumbs:local:sessions";

    // Writes the session and lists it under its user; the user's list lives as long as the longest session.
    private const string Store = """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[3])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
        return 1
        """;

    // A sliding renewal only rewrites a session that still exists and still belongs to the same user, in one step:
    // a renewal racing "sign out everywhere" or a sign-out cannot write a revoked session back.
    private const string Renew = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 0 then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX')
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
        return 1
        """;

    private readonly IConnectionMultiplexer redis;
    private readonly IOptions<SessionTimeouts> options;
    private readonly TimeProvider clock;
    private readonly LocalInvalidation invalidation;
    private readonly LocalCopies<string, AuthenticationTicket> copies;

    public RedisTicketStore(IConnectionMultiplexer redis, IOptions<SessionTimeouts> options, TimeProvider clock,
        LocalInvalidation invalidation, IOptions<CacheOptions> cache)
    {
        (this.redis, this.options, this.clock, this.invalidation) = (redis, options, clock, invalidation);
        copies = new LocalCopies<string, AuthenticationTicket>(16L * 1024 * 1024, cache.Value.LocalFor);
        invalidation.Subscribe(Channel, copies.Forget, copies.ForgetAll);
    }

    internal static RedisKey SessionKey(string id) => $"session:{id}";

    private static RedisKey UserSessionsKey(string userId) => $"user-sessions:{userId}";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await WriteAsync(Store, id, ticket);
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        copies.Forget([key]);     // this clone reads the renewed times next; others' copies end within the second
        return WriteAsync(Renew, key, ticket);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var ticket = await copies.GetOrFetchAsync(key, () => ReadAsync(key), _ => 2048);
        if (ticket is null || SessionLifetime.Remaining(ticket, clock.GetUtcNow(), options.Value) <= TimeSpan.Zero)
        {
            return null;
        }

        // The cookie handler may set a renewal's times on the ticket it gets: each request gets properties of its own.
        return new AuthenticationTicket(ticket.Principal, ticket.Properties.Clone(), ticket.AuthenticationScheme);
    }

    private async Task<AuthenticationTicket?> ReadAsync(string key)
    {
        var bytes = (byte[]?)await redis.GetDatabase().StringGetAsync(SessionKey(key));
        var ticket = bytes is null ? null : TicketSerializer.Default.Deserialize(bytes);
        if (bytes is not null && (ticket is null || SessionLifetime.Remaining(ticket, clock.GetUtcNow(), options.Value) <= TimeSpan.Zero))
        {
            await RemoveAsync(key);   // past its absolute lifetime: however active, the user signs in again
            return null;
        }

        return ticket;
    }

    public async Task RemoveAsync(string key)
    {
        copies.Forget([key]);
        var database = redis.GetDatabase();
        var bytes = (byte[]?)await database.StringGetAsync(SessionKey(key));
        if (bytes is not null && TicketSerializer.Default.Deserialize(bytes) is { } ticket)
        {
            await database.SetRemoveAsync(UserSessionsKey(UserIdOf(ticket)), key);
        }

        await database.KeyDeleteAsync(SessionKey(key));
        await invalidation.PublishAsync(Channel, [key]);
    }

    /// <summary>Ends every session of a user, on every clone: "sign out everywhere" and password changes.</summary>
    public async Task RemoveAllAsync(string userId)
    {
        var database = redis.GetDatabase();
        var sessions = (await database.SetMembersAsync(UserSessionsKey(userId))).Select(s => s.ToString()).ToList();
        copies.Forget(sessions);
        await database.KeyDeleteAsync([.. sessions.Select(SessionKey), UserSessionsKey(userId)]);
        await invalidation.PublishAsync(Channel, sessions);
    }

    public void Dispose() => copies.Dispose();

    private async Task WriteAsync(string script, string id, AuthenticationTicket ticket)
    {
        var ttl = SessionLifetime.Remaining(ticket, clock.GetUtcNow(), options.Value);
        if (ttl <= TimeSpan.Zero)
        {
            await RemoveAsync(id);
            return;
        }

        await redis.GetDatabase().ScriptEvaluateAsync(script,
            [SessionKey(id), UserSessionsKey(UserIdOf(ticket))],
            [TicketSerializer.Default.Serialize(ticket), (long)Math.Ceiling(ttl.TotalMilliseconds), id]);
    }

    private static string UserIdOf(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("A session must belong to a user.");
}

/// <summary>Gives the cookie handler the Redis store once the container has built it.</summary>
public sealed class UseRedisTicketStore(RedisTicketStore store)
    : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.SessionStore = store;
}
