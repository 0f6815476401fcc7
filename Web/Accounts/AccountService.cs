using Crumbs.Domain.Accounts;
using Crumbs.Domain.Timelines;
using Crumbs.Web.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Crumbs.Web.Accounts;

/// <summary>Sign-up, sign-in and password changes, shared by the API and the pages.</summary>
public sealed class AccountService(UserStore users, IPasswordHasher<User> hasher, SignInLimiter limiter, RedisTicketStore sessions,
    HomeFeeds feeds, PasswordWork passwords)
{
    // Verified when the handle is unknown, so a wrong handle costs as much time as a wrong password.
    private static readonly string UnknownUserHash = new PasswordHasher<User>().HashPassword(null!, "not a real password");

    public async Task<(User? User, Dictionary<string, string[]> Errors, bool HandleTaken)> SignUpAsync(
        string? handle, string? displayName, string? password, CancellationToken ct)
    {
        var normalized = Handle.Normalize(handle);
        var errors = AccountRules.CheckSignUp(normalized, displayName, password);
        if (errors.Count > 0)
        {
            return (null, errors, false);
        }

        var hash = await passwords.RunAsync(() => hasher.HashPassword(null!, password!), ct);
        var user = await users.CreateAsync(normalized!, displayName!.Trim(), hash, ct);
        return (user, errors, user is null);
    }

    public enum SignInOutcome { SignedIn, WrongCredentials, Limited }

    public async Task<(SignInOutcome Outcome, User? User, TimeSpan RetryAfter)> SignInAsync(
        HttpContext http, string? handle, string? password, CancellationToken ct)
    {
        var normalized = Handle.Normalize(handle);
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await limiter.TryAttemptAsync(normalized, address, ct) is { } wait)
        {
            return (SignInOutcome.Limited, null, wait);
        }

        if (normalized is null || password is null || password.Length > AccountRules.MaxPassword)
        {
            return (SignInOutcome.WrongCredentials, null, TimeSpan.Zero);   // no such account can exist: nothing to count
        }

        var credentials = await users.FindCredentialsAsync(normalized, ct);
        var verified = await passwords.RunAsync(() => hasher.VerifyHashedPassword(null!, credentials?.PasswordHash ?? UnknownUserHash, password), ct);
        if (credentials is not { } found || verified == PasswordVerificationResult.Failed)
        {
            await limiter.FailedAsync(normalized, address);
            return (SignInOutcome.WrongCredentials, null, TimeSpan.Zero);
        }

        await limiter.SucceededAsync(normalized, address);
        await StartSessionAsync(http, found.Id, found.Handle);
        await feeds.SeenAsync(found.Id, ct);   // back after a while: their home timeline is rebuilt before they read it
        return (SignInOutcome.SignedIn, await users.FindAsync(found.Id, ct), TimeSpan.Zero);
    }

    /// <summary>A new session, under a new id; the one the request came with is ended (see <see cref="SessionStart"/>).</summary>
    public static Task StartSessionAsync(HttpContext http, long userId, string handle) => SessionStart.StartAsync(http, userId, handle);

    /// <summary>Changes the password and ends every session of the user on every clone; this client signs in anew.</summary>
    public async Task<string?> ChangePasswordAsync(HttpContext http, long userId, string? current, string? next, CancellationToken ct)
    {
        var hash = await users.GetPasswordHashAsync(userId, ct);
        if (hash is null || await passwords.RunAsync(() => hasher.VerifyHashedPassword(null!, hash, current ?? ""), ct) == PasswordVerificationResult.Failed)
        {
            return "The current password is wrong.";
        }

        if (AccountRules.CheckPassword(next, http.User.Identity?.Name ?? "") is { } problem)
        {
            return problem;
        }

        await users.SetPasswordHashAsync(userId, await passwords.RunAsync(() => hasher.HashPassword(null!, next!), ct), ct);
        await SignOutEverywhereAsync(http, userId);
        await StartSessionAsync(http, userId, http.User.Identity!.Name!);
        return null;
    }

    public async Task SignOutEverywhereAsync(HttpContext http, long userId)
    {
        await sessions.RemoveAllAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
