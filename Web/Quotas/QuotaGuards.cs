using System.Globalization;
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Crumbs.Web.Quotas;

/// <summary>Marks a page handler whose action counts against a quota (see <see cref="QuotaPageFilter"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class QuotaAttribute(Quota quota) : Attribute
{
    public Quota Quota { get; } = quota;
}

/// <summary>Where quotas are enforced: an endpoint filter for the API, a page filter for the forms.</summary>
public static class QuotaGuards
{
    public static WebApplicationBuilder AddQuotas(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuotaLimits>().BindConfiguration(QuotaLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Quotas>();
        builder.Services.Configure<MvcOptions>(mvc => mvc.Filters.Add(new QuotaPageFilter()));   // global filters reach pages too
        return builder;
    }

    /// <summary>The API: 429 with Retry-After and a problem body once the quota is used up.</summary>
    public static TBuilder RequireQuota<TBuilder>(this TBuilder endpoint, Quota quota) where TBuilder : IEndpointConventionBuilder =>
        endpoint.ProducesProblem(StatusCodes.Status429TooManyRequests).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (await http.RequestServices.GetRequiredService<Quotas>().TakeAsync(quota, http) is not { } wait)
            {
                return await next(context);
            }

            SetRetryAfter(http, wait);
            return TypedResults.Problem(title: "Too many requests",
                detail: $"{Describe(quota)} Try again in {Readable(wait)}.", statusCode: StatusCodes.Status429TooManyRequests);
        });

    internal static void SetRetryAfter(HttpContext http, TimeSpan wait) =>
        http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    internal static string Describe(Quota quota) => quota switch
    {
        Quota.Posts => "You have posted a lot in a short time.",
        Quota.Likes => "You have liked a lot in a short time.",
        Quota.Follows => "You have followed and unfollowed a lot in a short time.",
        Quota.Exports => "You have asked for many exports today.",
        Quota.Avatars => "You have changed your picture many times in a short time.",
        _ => "Many accounts were made from your address in a short time.",
    };

    internal static string Readable(TimeSpan wait) =>
        wait < TimeSpan.FromMinutes(2) ? $"{Math.Ceiling(wait.TotalSeconds)} seconds"
        : wait < TimeSpan.FromHours(2) ? $"{Math.Ceiling(wait.TotalMinutes)} minutes"
        : $"{Math.Ceiling(wait.TotalHours)} hours";
}

/// <summary>The pages: a handler marked [Quota] answers 429 with a page that says what happened and when to retry.</summary>
public sealed class QuotaPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var quota = context.HandlerMethod?.MethodInfo.GetCustomAttribute<QuotaAttribute>()?.Quota;
        var http = context.HttpContext;
        if (quota is not { } q || await http.RequestServices.GetRequiredService<Quotas>().TakeAsync(q, http) is not { } wait)
        {
            await next();
            return;
        }

        QuotaGuards.SetRetryAfter(http, wait);
        var message = WebUtility.HtmlEncode($"{QuotaGuards.Describe(q)} Try again in {QuotaGuards.Readable(wait)}.");
        context.Result = new ContentResult
        {
            StatusCode = StatusCodes.Status429TooManyRequests,
            ContentType = "text/html; charset=utf-8",
            Content = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Slow down · Crumbs</title>" +
                "<link rel=\"stylesheet\" href=\"/css/site.css\"><main class=\"page\"><h1>Slow down</h1>" +
                $"<p>{message}</p><p><a href=\"/\">Back to Crumbs</a></p></main></html>",
        };
    }
}
