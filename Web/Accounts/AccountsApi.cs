using Crumbs.Domain.Accounts;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Jobs;
using Crumbs.Web.Hosting;
using Crumbs.Web.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Accounts;

public static class AccountsApi
{
    public sealed record SignUpRequest(string? Handle, string? DisplayName, string? Password);

    public sealed record ProfileRequest(string? DisplayName, string? Bio);

    public sealed record PasswordRequest(string? CurrentPassword, string? NewPassword);

    public static void MapAccountsApi(this WebApplication app)
    {
        app.MapPost("/api/accounts", SignUpAsync).WithTags("Accounts").RequireQuota(Quota.SignUps)
            .WithName("SignUp").WithSummary("Sign up").AcceptsJson(validates: true)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithDescription("Makes an account; then sign in with POST /api/sessions. 409: the handle is taken.");
        app.MapGet("/api/users/{handle}", GetUserAsync).WithTags("Accounts")
            .WithName("GetUser").WithSummary("Read a profile");

        var me = app.MapGroup("/api/me").WithTags("Accounts").RequireSignIn();
        me.MapGet("/", GetMeAsync).WithName("GetMe").WithSummary("Read your own profile");
        me.MapPut("/profile", UpdateProfileAsync).WithName("UpdateProfile").WithSummary("Change your name and bio")
            .AcceptsJson(validates: true);
        me.MapPut("/password", ChangePasswordAsync).WithName("ChangePassword").WithSummary("Change your password")
            .AcceptsJson(validates: true)
            .WithDescription("Ends every session of yours on every device, then signs this client in anew.");
    }

    private static async Task<Results<Created<Profile>, ValidationProblem, ProblemHttpResult>> SignUpAsync(
        SignUpRequest request, AccountService accounts, CancellationToken ct)
    {
        var (user, errors, taken) = await accounts.SignUpAsync(request.Handle, request.DisplayName, request.Password, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (taken)
        {
            return TypedResults.Problem(title: "That handle is taken", detail: "Choose another handle.", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Created($"/api/users/{user!.Handle}", Profile.Of(user));
    }

    private static async Task<Results<Ok<Profile>, NotFound>> GetUserAsync(string handle, CachedUsers users, CancellationToken ct) =>
        await users.FindByHandleAsync(handle, ct) is { } user ? TypedResults.Ok(Profile.Of(user)) : TypedResults.NotFound();

    /// <summary>
    /// The owner's own view reads Postgres, not the cache: whoever just changed their profile (or saw their picture
    /// job end) sees the change at once. Everyone else's view of a profile is the cached object.
    /// </summary>
    private static async Task<Results<Ok<Profile>, UnauthorizedHttpResult>> GetMeAsync(
        HttpContext http, UserStore users, JobStore jobs, CancellationToken ct) =>
        await users.FindAsync(http.User.Id(), ct) is { } user
            ? TypedResults.Ok(Profile.Of(user, await jobs.HasActiveAsync(user.Id, JobKinds.Avatar, ct)))
            : TypedResults.Unauthorized();

    private static async Task<Results<Ok<Profile>, ValidationProblem, UnauthorizedHttpResult>> UpdateProfileAsync(
        ProfileRequest request, HttpContext http, UserStore users, CancellationToken ct)
    {
        var errors = AccountRules.CheckProfile(request.DisplayName, request.Bio);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await users.UpdateProfileAsync(http.User.Id(), request.DisplayName!.Trim(), (request.Bio ?? "").Trim(), ct);
        return user is null ? TypedResults.Unauthorized() : TypedResults.Ok(Profile.Of(user));
    }

    private static async Task<Results<NoContent, ValidationProblem>> ChangePasswordAsync(
        PasswordRequest request, HttpContext http, AccountService accounts, CancellationToken ct) =>
        await accounts.ChangePasswordAsync(http, http.User.Id(), request.CurrentPassword, request.NewPassword, ct) is { } problem
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [problem] })
            : TypedResults.NoContent();
}
