using Crumbs.Domain.Accounts;
using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>User objects by id, and the (never changing) id of a handle. Writers call <see cref="ForgetAsync"/>.</summary>
public sealed class CachedUsers(IFusionCache cache, UserStore users, CacheTelemetry telemetry)
{
    private const string Kind = "user";

    public static string Key(long id) => $"user:{id}";

    public Task<User?> FindAsync(long id, CancellationToken ct) =>
        telemetry.GetOrLoadAsync(cache, Kind, Key(id), token => users.FindAsync(id, token), ReadFresh.Options(cache, null), ct);

    /// <summary>Anything that is not a handle is answered at once: it never reaches Redis or Postgres.</summary>
    public async Task<User?> FindByHandleAsync(string? input, CancellationToken ct)
    {
        if (Handle.Normalize(input) is not { } handle)
        {
            return null;
        }

        var id = await cache.GetOrSetAsync<long?>($"handle:{handle}", async (context, token) =>
        {
            var user = await users.FindByHandleAsync(handle, token);
            if (user is null)
            {
                context.Options.Duration = TimeSpan.FromSeconds(5);   // someone may sign up with it soon
            }

            return user?.Id;
        }, token: ct);
        return id is { } found ? await FindAsync(found, ct) : null;
    }

    /// <summary>Drops a changed user everywhere: Redis, and every clone's own copy through the backplane.</summary>
    public async Task ForgetAsync(long id, CancellationToken ct) => await cache.RemoveAsync(Key(id), token: ct);
}
