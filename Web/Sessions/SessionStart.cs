using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Crumbs.Web.Sessions;

/// <summary>
/// Every sign-in, sign-up and password change starts a session under an id minted at that moment. ASP.NET Core's
/// cookie handler, asked to sign in on a request that already carries a session, rewrites that session in place
/// (dotnet/aspnetcore#22135): a cookie planted in a browser would then follow its next user's sign-in (session
/// fixation). So the old session is ended first, and the sign-in runs on a handler that has not adopted its id.
/// </summary>
public static class SessionStart
{
    public static async Task StartAsync(HttpContext http, long userId, string handle)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);   // deletes it from Redis
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, handle)],
            CookieAuthenticationDefaults.AuthenticationScheme));
        var properties = new AuthenticationProperties();
        SessionLifetime.MarkStarted(properties, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());

        // A handler of its own: the request's handler remembers the old session id and would write the new
        // session under it. This one reads the cookie anew, finds its session gone, and stores a new one.
        var handlers = ActivatorUtilities.CreateInstance<AuthenticationHandlerProvider>(http.RequestServices);
        var handler = await handlers.GetHandlerAsync(http, CookieAuthenticationDefaults.AuthenticationScheme) as IAuthenticationSignInHandler
            ?? throw new InvalidOperationException("The cookie scheme cannot sign in.");
        await handler.SignInAsync(principal, properties);
        http.User = principal;
    }
}
