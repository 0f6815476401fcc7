using System.Globalization;
using System.Security.Claims;
using Crumbs.Domain.Timelines;
using Crumbs.Web.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Crumbs.Web.Accounts;

/// <summary>
/// Keeps a user's last activity current while they use their session, so the fan-out keeps writing their home
/// timeline (<see cref="HomeFeeds"/>). Cheap on the hot path: nothing in a session's first hour (its sign-in was
/// recorded), then one database touch per user per clone per Crumbs:Timeline:TouchEvery, remembered in memory.
/// </summary>
public sealed partial class ActiveUsers(HomeFeeds feeds, IOptions<TimelineOptions> options, TimeProvider clock, ILogger<ActiveUsers> logger)
    : IDisposable
{
    private static readonly TimeSpan AfterFailure = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _seen = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public async Task SeeAsync(HttpContext http)
    {
        if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id || _seen.TryGetValue(id, out _))
        {
            return;
        }

        var every = options.Value.TouchEvery;
        var age = clock.GetUtcNow() - (Started(http) ?? DateTimeOffset.MinValue);
        if (age >= TimeSpan.Zero && age < every)
        {
            Remember(id, every - age);   // signed in lately: the sign-in recorded it
            return;
        }

        try
        {
            await feeds.SeenAsync(long.Parse(id, CultureInfo.InvariantCulture), http.RequestAborted);
            Remember(id, every);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // Best effort: the request goes on (it may be served from the cache); the next one, a minute on, tries again.
            LogTouchFailed(logger, e);
            Remember(id, AfterFailure);
        }
    }

    public void Dispose() => _seen.Dispose();

    private static DateTimeOffset? Started(HttpContext http) =>
        http.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.Items
            .TryGetValue(SessionLifetime.StartedItem, out var text) == true
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started)
            ? started
            : null;

    private void Remember(string id, TimeSpan @for) =>
        _seen.Set(id, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = @for });

    [LoggerMessage(LogLevel.Warning, "Could not record a user's activity; trying again shortly")]
    private static partial void LogTouchFailed(ILogger logger, Exception exception);
}

public static class ActiveUsersPipeline
{
    /// <summary>After authentication: every signed-in request counts as activity.</summary>
    public static IApplicationBuilder UseActiveUsers(this IApplicationBuilder app)
    {
        var active = app.ApplicationServices.GetRequiredService<ActiveUsers>();
        return app.Use(async (context, next) =>
        {
            await active.SeeAsync(context);
            await next(context);
        });
    }
}
