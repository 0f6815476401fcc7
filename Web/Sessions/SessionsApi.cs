using Crumbs.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Sessions;

public static class SessionsApi
{
    public sealed record SignInRequest(string? Handle, string? Password);

    public static void MapSessionsApi(this WebApplication app)
    {
        var sessions = app.MapGroup("/api/sessions").WithTags("Sessions");
        sessions.MapPost("/", SignInAsync);
        sessions.MapDelete("/current", (Delegate)SignOutAsync).RequireAuthorization();
        sessions.MapDelete("/", SignOutEverywhereAsync).RequireAuthorization();
    }

    private static async Task<Results<Ok<Profile>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext http, AccountService accounts, CancellationToken ct)
    {
        var (outcome, user, retryAfter) = await accounts.SignInAsync(http, request.Handle, request.Password, ct);
        switch (outcome)
        {
            case AccountService.SignInOutcome.SignedIn:
                return TypedResults.Ok(Profile.Of(user!));
            case AccountService.SignInOutcome.Limited:
                http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(title: "Too many sign-in attempts",
                    detail: "Wait a little before trying again.", statusCode: StatusCodes.Status429TooManyRequests);
            default:
                return TypedResults.Problem(title: "Wrong handle or password", statusCode: StatusCodes.Status401Unauthorized);
        }
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOutEverywhereAsync(HttpContext http, AccountService accounts)
    {
        await accounts.SignOutEverywhereAsync(http, http.User.Id());
        return TypedResults.NoContent();
    }
}
