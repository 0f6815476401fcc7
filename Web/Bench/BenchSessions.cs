using Crumbs.Domain.Caching;
using Crumbs.Domain.Timelines;
using Crumbs.ServiceDefaults;
using Crumbs.Web.Sessions;

namespace Crumbs.Web.Bench;

/// <summary>
/// Sessions for the bench's live scenario: a thousand followers each need the session cookie a page would hold.
/// Signing in is a password hash per user (and limited per handle), so this starts the session a sign-in starts,
/// for a seeded user, on the operator key. Mapped with the other bench endpoints only (never in Production).
/// </summary>
public static class BenchSessions
{
    public static void MapBenchSessions(this WebApplication app) =>
        app.MapOperatorGroup("/bench/sessions").MapPost("", StartAsync);

    private static async Task<IResult> StartAsync(long user, HttpContext http, CachedUsers users, HomeFeeds feeds, CancellationToken ct)
    {
        if (await users.FindAsync(user, ct) is not { } found)
        {
            return Results.NotFound();
        }

        await SessionStart.StartAsync(http, found.Id, found.Handle);   // Set-Cookie: crumbs.session
        await feeds.SeenAsync(found.Id, ct);   // as a sign-in does: the fan-out writes the timelines of users seen lately
        return Results.NoContent();
    }
}
