using Crumbs.Domain.Accounts;

namespace Crumbs.Web.Accounts;

/// <summary>What a valid handle, name, bio and password are. Errors are keyed by field, for problem details and forms.</summary>
public static class AccountRules
{
    public const int MaxDisplayName = 50;
    public const int MaxBio = 160;
    public const int MinPassword = 10;
    public const int MaxPassword = 200;
    /// <summary>Different characters a password needs at least: "abababababab" has two.</summary>
    public const int MinDistinct = 4;
    /// <summary>Characters a password needs beside the handle: "alice_smith1" is alice_smith's handle and one more.</summary>
    public const int MinBesideHandle = 6;

    /// <param name="handle">The handle as <see cref="Handle.Normalize"/> gave it: null when it is not one.</param>
    public static Dictionary<string, string[]> CheckSignUp(string? handle, string? displayName, string? password)
    {
        var errors = CheckProfile(displayName, bio: "");
        if (handle is null)
        {
            errors["handle"] = ["A handle is 3 to 20 characters: letters a–z, digits and _."];
        }

        if (CheckPassword(password, handle) is { } problem)
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

    /// <summary>
    /// Why a new password is refused, or null: its length, one of the 30,000 most common passwords, too few different
    /// characters or a plain run ("aaaaaaaaaa", "abcdefghij"), or the handle with little else around it.
    /// </summary>
    public static string? CheckPassword(string? password, string? handle)
    {
        if (password is null || password.Length < MinPassword || password.Length > MaxPassword)
        {
            return $"A password is {MinPassword} to {MaxPassword} characters.";
        }

        if (CommonPasswords.Contains(password))
        {
            return "That password is one of the most common passwords; choose one that is harder to guess.";
        }

        if (password.Distinct().Count() < MinDistinct || IsRun(password))
        {
            return "That password is too easy to guess: it repeats a few characters or runs in order (like abcdef). Choose another.";
        }

        // What is left once every copy of the handle is taken out must be a password of some length on its own.
        if (handle is { Length: > 0 } && password.Replace(handle, "", StringComparison.OrdinalIgnoreCase).Trim().Length < MinBesideHandle)
        {
            return "A password must not be your handle, nor your handle with a few characters added.";
        }

        return null;
    }

    /// <summary>Every character one above (or one below) the one before it: "abcdefghij", "9876543210".</summary>
    private static bool IsRun(string password)
    {
        var step = password[1] - password[0];
        if (Math.Abs(step) != 1)
        {
            return false;
        }

        for (var i = 2; i < password.Length; i++)
        {
            if (password[i] - password[i - 1] != step)
            {
                return false;
            }
        }

        return true;
    }
}
