using Scalar.AspNetCore;

namespace Crumbs.Web.Security;

/// <summary>
/// The headers every answer carries, pages, API, pictures and errors alike: no page can be framed (clickjacking of
/// "Sign out everywhere", follow, delete), no script runs but the site's own files, and no type is sniffed.
/// HSTS is UseHsts's, outside Development and on HTTPS only.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The pages have no inline script or style and no event attributes: everything comes from wwwroot.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    /// <summary>
    /// /scalar, where it is on (<see cref="ApiReference"/>): its start-up script carries a fresh nonce per request,
    /// and its Vue components set inline styles. Still no foreign origin, no framing.
    /// </summary>
    public static string ApiReferencePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();   // only on HTTPS requests: a browser remembers to use nothing else
        }

        app.Use((context, next) =>
        {
            // OnStarting, so the error pages that the exception handler writes after clearing the response get them too.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce
                    ? ApiReferencePolicy(nonce)
                    : ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = ReferrerPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
