using Crumbs.Domain.Timelines;

namespace Crumbs.Tests.Unit;

/// <summary>
/// A cold home timeline merges the followed celebrities' cached newest posts into its own rows
/// (<see cref="TimelineMerge"/>), and only when no source can hide a post the page should show.
/// </summary>
public sealed class TimelineMergeTests
{
    private const int Window = 4;

    [Fact]
    public void Rows_and_windows_merge_newest_first_below_the_cursor() =>
        Assert.Equal([95L, 90, 80, 70], TimelineMerge.Page([90, 70, 50], 4, 100, [[120, 95, 80]], Window)!);

    [Fact]
    public void A_post_in_both_a_window_and_the_rows_shows_once() =>
        Assert.Equal([90L, 80, 70], TimelineMerge.Page([90, 80, 70], 4, long.MaxValue, [[90]], Window)!);

    [Fact]
    public void A_full_window_that_stops_above_the_page_cannot_tell()
    {
        // Below the cursor the window holds only 92: the celebrity may have posts between 92 and 30 it does not hold.
        Assert.Null(TimelineMerge.Page([90, 40, 30, 20], 4, 93, [[95, 94, 93, 92]], Window));
        // The same window with the cursor above it fills the page down to its own oldest id: exact.
        Assert.Equal([95L, 94, 93, 92], TimelineMerge.Page([90, 40, 30, 20], 4, long.MaxValue, [[95, 94, 93, 92]], Window)!);
    }

    [Fact]
    public void A_cursor_below_a_full_window_cannot_tell() =>
        Assert.Null(TimelineMerge.Page([30, 20, 10, 5], 4, 50, [[95, 80, 70, 60]], Window));

    [Fact]
    public void A_window_of_an_author_with_fewer_posts_than_it_holds_is_complete() =>
        Assert.Equal([90L, 80, 40, 30], TimelineMerge.Page([90, 40, 30, 20], 4, long.MaxValue, [[80]], Window)!);

    [Fact]
    public void A_short_page_is_exact_only_when_every_source_was_read_to_its_end()
    {
        Assert.Equal([95L, 90], TimelineMerge.Page([90], 4, long.MaxValue, [[95]], Window)!);
        // The window is full down to 65: the celebrity may have older posts that belong on this page.
        Assert.Null(TimelineMerge.Page([70], 4, 80, [[95, 85, 75, 65]], Window));
    }
}
