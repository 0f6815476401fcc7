using System.Globalization;

namespace Crumbs.Domain.Posts;

/// <summary>
/// Keyset cursors: "before" is the id of the last item seen. Ids grow with time, so the next page is
/// "id &lt; before", which an index serves directly and which never skips or repeats items as new ones arrive.
/// </summary>
public static class Cursor
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static string Of(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses "before" and "limit"; null with a reason when they are not a cursor and a count.</summary>
    public static (long Before, int Limit, string? Problem) Parse(string? before, int? limit)
    {
        var max = long.MaxValue;
        if (!string.IsNullOrEmpty(before) && (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max <= 0))
        {
            return (0, 0, "The cursor is not one this API gave out.");
        }

        if (limit is < 1 or > MaxLimit)
        {
            return (0, 0, $"The limit is 1 to {MaxLimit}.");
        }

        return (max, limit ?? DefaultLimit, null);
    }

    /// <summary>
    /// Parses "after" (the id of the newest item the client has, 0 when it has none): the page of items right after
    /// it, for a page that catches up. A reason when it is not a cursor; null when absent.
    /// </summary>
    public static (long? After, string? Problem) ParseAfter(string? after) =>
        string.IsNullOrEmpty(after) ? (null, null)
        : long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var min) ? (min, null)
        : (null, "The cursor is not one this API gave out.");

    /// <summary>
    /// A page of the items right after a cursor, newest first: its next cursor is the "after" of the following newer
    /// page (its newest item) when the page is full, so a client that follows it misses nothing and sees nothing twice.
    /// </summary>
    public static Page<T> NewerPageOf<T>(IReadOnlyList<T> items, int limit, Func<T, long> id) =>
        new(items, items.Count == limit && items.Count > 0 ? Of(id(items[0])) : null);

    public static Page<T> PageOf<T>(IReadOnlyList<T> items, int limit, Func<T, long> id) =>
        new(items, items.Count == limit && items.Count > 0 ? Of(id(items[^1])) : null);
}
