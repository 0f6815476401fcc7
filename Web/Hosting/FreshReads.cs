using Crumbs.Domain.Caching;
using Microsoft.Extensions.Options;

namespace Crumbs.Web.Hosting;

/// <summary>
/// Read-your-writes across clones. A successful write answers with a short-lived cookie; while the browser sends
/// it back (a little longer than <see cref="CacheOptions.LocalFor"/>), that user's requests read past every clone's
/// own copies (<see cref="ReadFresh"/>), on whichever clone they land. Everybody else may see a clone's copy, never
/// older than <see cref="CacheOptions.LocalFor"/>.
/// </summary>
public static class FreshReads
{
    public const string CookieName = "crumbs.fresh";

    public static WebApplication UseFreshReads(this WebApplication app)
    {
        var lifetime = TimeSpan.FromSeconds(Math.Ceiling(app.Services.GetRequiredService<IOptions<CacheOptions>>().Value.LocalFor.TotalSeconds) + 1);
        app.Use((context, next) =>
        {
            if (context.Request.Cookies.ContainsKey(CookieName))
            {
                ReadFresh.Require();
            }

            if (!IsWrite(context.Request.Method))
            {
                return next(context);
            }

            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode < StatusCodes.Status400BadRequest)
                {
                    context.Response.Cookies.Append(CookieName, "1", new CookieOptions
                    {
                        MaxAge = lifetime,
                        HttpOnly = true,
                        SameSite = SameSiteMode.Lax,
                        Secure = context.Request.IsHttps,
                        IsEssential = true,
                    });
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    private static bool IsWrite(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
}
