using Microsoft.AspNetCore.Antiforgery;

namespace Crumbs.Web.Security;

/// <summary>
/// CSRF protection for the API: an unsafe request that arrives with a session cookie must carry the antiforgery
/// token (header X-CSRF-TOKEN, from GET /api/antiforgery). Pages get the same check from their hidden form field.
/// </summary>
public static class CsrfForSessions
{
    public static IApplicationBuilder UseCsrfForSessions(this IApplicationBuilder app) =>
        app.UseWhen(NeedsToken, branch => branch.Use(async (context, next) =>
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (await antiforgery.IsRequestValidAsync(context))
            {
                await next(context);
                return;
            }

            await Results.Problem(
                title: "Missing or invalid CSRF token",
                detail: "Requests made with a session cookie must send the token from GET /api/antiforgery in the X-CSRF-TOKEN header.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
        }));

    public static void MapAntiforgeryApi(this WebApplication app) =>
        app.MapGet("/api/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return TypedResults.Ok(new AntiforgeryToken(tokens.RequestToken!, tokens.HeaderName!));
        }).WithTags("Sessions").WithName("GetAntiforgeryToken").WithSummary("Get a CSRF token")
            .WithDescription("Send the token in the X-CSRF-TOKEN header on every unsafe request made with a session cookie.");

    private static bool NeedsToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
             || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        && context.User.Identity?.IsAuthenticated == true;

    public sealed record AntiforgeryToken(string Token, string HeaderName);
}
