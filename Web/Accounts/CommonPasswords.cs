namespace Crumbs.Web.Accounts;

/// <summary>
/// The 30,000 most common passwords (zxcvbn's list, MIT; see the head of CommonPasswords.txt), read once from the
/// assembly into a case-insensitive set: a look-up is one hash, whatever the list's length.
/// </summary>
public static class CommonPasswords
{
    private static readonly Lazy<HashSet<string>> Set = new(Load);

    public static int Count => Set.Value.Count;

    public static bool Contains(string password) => Set.Value.Contains(password.Trim());

    private static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("Crumbs.Web.Accounts.CommonPasswords.txt")
            ?? throw new InvalidOperationException("CommonPasswords.txt is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line);
            }
        }

        return set;
    }
}
