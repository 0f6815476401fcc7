using System.Text;
using System.Text.RegularExpressions;

namespace Crumbs.Domain.Accounts;

/// <summary>
/// The one normalization of a handle, used by sign-up, sign-in, the limiters, every lookup and the cache keys: NFKC,
/// then lower case, then ASCII letters, digits and _ only. One rule everywhere means no two spellings of a handle
/// (say "İ" and "i", which .NET and Postgres lower differently) ever reach different counters or rows.
/// </summary>
public static partial class Handle
{
    public const int MinLength = 3;
    public const int MaxLength = 20;

    /// <summary>Longer input is not a handle in any normalization: refused before any work is done on it.</summary>
    private const int MaxInput = 64;

    /// <summary>The handle in its one spelling, or null when the input is not a handle at all.</summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > MaxInput)
        {
            return null;
        }

        string normalized;
        try
        {
            normalized = input.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;   // invalid UTF-16 (a lone surrogate)
        }

        return Pattern().IsMatch(normalized) ? normalized : null;
    }

    [GeneratedRegex(@"^[a-z0-9_]{3,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
