using System.Globalization;

namespace Crumbs.Domain.Posts;

/// <summary>What a valid post is: 1 to 280 characters (as people count them) of text, no control characters but new lines.</summary>
public static class PostRules
{
    public const int MaxLength = 280;

    /// <summary>The text to store (trimmed, line ends made \n), or null with the reason.</summary>
    public static (string? Text, string? Problem) Check(string? text)
    {
        var trimmed = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (trimmed.Length == 0)
        {
            return (null, "A post needs some text.");
        }

        if (new StringInfo(trimmed).LengthInTextElements > MaxLength || trimmed.Length > MaxLength * 4)
        {
            return (null, $"A post is at most {MaxLength} characters.");
        }

        if (trimmed.Any(c => char.IsControl(c) && c != '\n'))
        {
            return (null, "A post cannot contain control characters.");
        }

        return (trimmed, null);
    }
}
