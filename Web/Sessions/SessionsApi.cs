using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Sessions;

public static class SessionsApi
{
    public sealed record SignInRequest(string? Handle, string? Password);

    public static void MapSessionsApi(this WebApplication app)
    {
        var sessions = app.MapGroup("/api/sessions").WithTags("Sessions");
        sessions.MapPost("/", SignInAsync).WithName("SignIn").WithSummary("Sign in").AcceptsJson()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithDescription("Sets the session cookie. 401: wrong handle or password. 429: too many attempts, see Retry-After.");

        // Signing out is an unsafe request with a session: 400 without its CSRF token.
        var current = sessions.MapGroup("").RequireSignIn().ProducesProblem(StatusCodes.Status400BadRequest);
        current.MapDelete("/current", (Delegate)SignOutAsync).WithName("SignOut").WithSummary("Sign out");
        current.MapDelete("/", SignOutEverywhereAsync).WithName("SignOutEverywhere").WithSummary("Sign out everywhere")
            .WithDescription("Ends every session of yours, on every device.");
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
