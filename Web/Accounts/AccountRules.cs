using Crumbs.Domain.Accounts;

namespace Crumbs.Web.Accounts;

/// <summary>What a valid handle, name, bio and password are. Errors are keyed by field, for problem details and forms.</summary>
public static class AccountRules
{
    public const int MaxDisplayName = 50;
    public const int MaxBio = 160;
    public const int MinPassword = 10;
    public const int MaxPassword = 200;

    /// <param name="handle">The handle as <see cref="Handle.Normalize"/> gave it: null when it is not one.</param>
    public static Dictionary<string, string[]> CheckSignUp(string? handle, string? displayName, string? password)
    {
        var errors = CheckProfile(displayName, bio: "");
        if (handle is null)
        {
            errors["handle"] = ["A handle is 3 to 20 characters: letters a–z, digits and _."];
        }

        if (CheckPassword(password) is { } problem)
        {
            errors["password"] = [problem];
        }

        return errors;
    }

    public static Dictionary<string, string[]> CheckProfile(string? displayName, string? bio)
    {
        var errors = new Dictionary<string, string[]>();
        var name = (displayName ?? "").Trim();
        if (name.Length == 0 || name.Length > MaxDisplayName || name.Any(char.IsControl))
        {
            errors["displayName"] = [$"A display name is 1 to {MaxDisplayName} characters, without control characters."];
        }

        if ((bio ?? "").Trim().Length > MaxBio || (bio ?? "").Any(c => char.IsControl(c) && c != '\n'))
        {
            errors["bio"] = [$"A bio is at most {MaxBio} characters."];
        }

        return errors;
    }

    public static string? CheckPassword(string? password) =>
        password is null || password.Length < MinPassword || password.Length > MaxPassword
            ? $"A password is {MinPassword} to {MaxPassword} characters."
            : null;
}
