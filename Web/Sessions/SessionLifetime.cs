using System.Globalization;
using Microsoft.AspNetCore.Authentication;

namespace Crumbs.Web.Sessions;

/// <summary>
/// How long a session may live: until its sliding expiry (renewed as it is used), but never past its absolute
/// lifetime, counted from the sign-in that started it.
/// </summary>
public static class SessionLifetime
{
    /// <summary>The moment of the sign-in, kept in the session; a sliding renewal copies it along.</summary>
    public const string StartedItem = ".crumbs.started";

    public static void MarkStarted(AuthenticationProperties properties, DateTimeOffset now) =>
        properties.Items[StartedItem] = now.ToString("O", CultureInfo.InvariantCulture);

    public static TimeSpan Remaining(AuthenticationTicket ticket, DateTimeOffset now, SessionTimeouts options)
    {
        var properties = ticket.Properties;
        var started = properties.Items.TryGetValue(StartedItem, out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
                ? parsed
                : properties.IssuedUtc ?? now;
        var idleEnd = properties.ExpiresUtc ?? now + options.IdleTimeout;
        var absoluteEnd = started + options.AbsoluteLifetime;
        return (idleEnd < absoluteEnd ? idleEnd : absoluteEnd) - now;
    }
}
