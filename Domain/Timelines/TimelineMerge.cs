namespace Crumbs.Domain.Timelines;

/// <summary>
/// A home timeline page's post ids, from its own rows and the newest posts of the celebrities its reader follows
/// (their posts are merged in on read, not fanned out). Each source is known exactly down to its oldest id when it was
/// read full, and entirely when it was not; the page is exact only when no source could hide a newer id below it.
/// </summary>
public static class TimelineMerge
{
    /// <summary>
    /// The newest <paramref name="limit"/> ids below <paramref name="before"/>, newest first, or null when a window
    /// does not reach down far enough to say (then Postgres answers).
    /// </summary>
    /// <param name="entries">The reader's timeline rows below the cursor, newest first, at most <paramref name="limit"/>.</param>
    /// <param name="limit">The page size the rows were read with.</param>
    /// <param name="before">The page's cursor.</param>
    /// <param name="windows">Each followed celebrity's newest post ids (any cursor), newest first.</param>
    /// <param name="windowSize">How many ids a window holds when its author has at least that many posts.</param>
    public static long[]? Page(long[] entries, int limit, long before, IReadOnlyList<long[]> windows, int windowSize)
    {
        // The highest id below which some source may hold ids it did not return: the page must not reach under it.
        var floor = entries.Length >= limit && entries.Length > 0 ? entries[^1] : long.MinValue;
        var merged = new List<long>(entries.Length + (windows.Count * limit));
        merged.AddRange(entries);
        foreach (var window in windows)
        {
            if (window.Length >= windowSize && window.Length > 0)
            {
                floor = Math.Max(floor, window[^1]);
            }

            // Newest first: past its first limit ids below the cursor, none of a window's can reach the page.
            merged.AddRange(window.Where(id => id < before).Take(limit));
        }

        var page = merged.Distinct().OrderDescending().Take(limit).ToArray();
        var exact = page.Length == limit ? page[^1] >= floor : floor == long.MinValue;
        return exact ? page : null;
    }
}
