using Crumbs.Domain.Caching;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Crumbs.Web.Sessions;

/// <summary>
/// The session cookie, unprotected once per clone and second instead of once per request. Unprotecting is Data
/// Protection's key derivation, MAC check and AES decryption: about half of a warm request's CPU. The same cookie
/// always unprotects to the same session id, so a clone keeps the result for at most
/// <see cref="CacheOptions.LocalFor"/> (a revoked key ring still takes effect within that bound); what the session
/// may do is still decided by the session store on every request.
/// </summary>
public sealed class CookieTickets(ISecureDataFormat<AuthenticationTicket> inner, TimeSpan lifetime) : ISecureDataFormat<AuthenticationTicket>, IDisposable
{
    private readonly LocalCopies<string, AuthenticationTicket> _tickets = new(8L * 1024 * 1024, lifetime);

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null)
        {
            return inner.Unprotect(protectedText, purpose);
        }

        if (!_tickets.TryGet(protectedText, out var ticket))
        {
            var fetch = _tickets.Begin();
            if (inner.Unprotect(protectedText) is not { } unprotected)
            {
                return null;
            }

            ticket = unprotected;
            _tickets.Keep(protectedText, ticket, protectedText.Length * 4L, fetch);
        }

        return new AuthenticationTicket(ticket.Principal, ticket.Properties.Clone(), ticket.AuthenticationScheme);
    }

    public void Dispose() => _tickets.Dispose();
}

/// <summary>Wraps the cookie handler's ticket format once the framework has made it.</summary>
public sealed class UseCookieTickets(IOptions<CacheOptions> cache) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (options.TicketDataFormat is not CookieTickets)
        {
            options.TicketDataFormat = new CookieTickets(options.TicketDataFormat, cache.Value.LocalFor);
        }
    }
}
