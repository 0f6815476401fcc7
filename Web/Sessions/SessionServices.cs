using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Crumbs.Web.Sessions;

public static class SessionServices
{
    public const string CookieName = "crumbs.session";
    public const string CsrfHeader = "X-CSRF-TOKEN";

    /// <summary>
    /// Cookie sign-in whose sessions live in Redis, and one Data Protection key ring in Redis for every clone, so a
    /// cookie or antiforgery token minted by one clone is accepted by all, also after they all restart.
    /// </summary>
    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName("crumbs");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), "data-protection-keys"));

        builder.Services.AddOptions<SessionTimeouts>().BindConfiguration(SessionTimeouts.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RedisTicketStore>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseRedisTicketStore>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = builder.Configuration.GetSection(SessionTimeouts.Section).Get<SessionTimeouts>()?.IdleTimeout
                    ?? new SessionTimeouts().IdleTimeout;
                options.SlidingExpiration = true;
                options.LoginPath = "/signin";
                options.AccessDeniedPath = "/signin";
                // The API and the live channel answer 401/403; only pages redirect to the sign-in page.
                options.Events.OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden);
            });
        // After AddCookie, so it wraps the ticket format the framework made (post-configures run in that order).
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseCookieTickets>();
        builder.Services.AddAuthorization();
        builder.Services.AddAntiforgery(options =>
        {
            options.HeaderName = CsrfHeader;
            options.Cookie.Name = "crumbs.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    private static Task ApiOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/live"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
