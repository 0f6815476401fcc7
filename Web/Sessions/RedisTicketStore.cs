using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StackExchange.Redis;

namespace Crumbs.Web.Sessions;

/// <summary>
/// WHERE SESSIONS LIVE: in Redis, not in the cookie and not in a clone's memory. The cookie holds only a session id
/// (protected with the shared Data Protection keys); every clone looks the session up here on every request, so a
/// session revoked on one clone is gone on all of them at once.
/// </summary>
public sealed class RedisTicketStore(IConnectionMultiplexer redis, TimeProvider clock) : ITicketStore
{
    private static RedisKey SessionKey(string id) => $"session:{id}";

    private static RedisKey UserSessionsKey(string userId) => $"user-sessions:{userId}";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await RenewAsync(id, ticket);
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var userId = UserIdOf(ticket);
        var ttl = (ticket.Properties.ExpiresUtc ?? clock.GetUtcNow().AddDays(14)) - clock.GetUtcNow();
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.StringSetAsync(SessionKey(key), TicketSerializer.Default.Serialize(ticket), ttl);
        _ = transaction.SetAddAsync(UserSessionsKey(userId), key);
        _ = transaction.KeyExpireAsync(UserSessionsKey(userId), ttl); // sessions share one idle timeout: the newest lives longest
        await transaction.ExecuteAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var bytes = (byte[]?)await redis.GetDatabase().StringGetAsync(SessionKey(key));
        return bytes is null ? null : TicketSerializer.Default.Deserialize(bytes);
    }

    public async Task RemoveAsync(string key)
    {
        var database = redis.GetDatabase();
        if (await RetrieveAsync(key) is { } ticket)
        {
            await database.SetRemoveAsync(UserSessionsKey(UserIdOf(ticket)), key);
        }

        await database.KeyDeleteAsync(SessionKey(key));
    }

    /// <summary>Ends every session of a user, on every clone: "sign out everywhere" and password changes.</summary>
    public async Task RemoveAllAsync(string userId)
    {
        var database = redis.GetDatabase();
        var sessions = await database.SetMembersAsync(UserSessionsKey(userId));
        var keys = sessions.Select(s => SessionKey(s.ToString())).Append(UserSessionsKey(userId)).ToArray();
        await database.KeyDeleteAsync(keys);
    }

    private static string UserIdOf(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("A session must belong to a user.");
}

/// <summary>Gives the cookie handler the Redis store once the container has built it.</summary>
public sealed class UseRedisTicketStore(RedisTicketStore store)
    : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.SessionStore = store;
}
