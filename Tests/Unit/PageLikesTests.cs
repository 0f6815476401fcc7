using Crumbs.Domain.Timelines;

namespace Crumbs.Tests.Unit;

/// <summary>
/// A cold home timeline learns the reader's likes from the same round trip as its rows: their newest likes before the
/// cursor (<see cref="TimelineEntries.LikedAmong"/>), exact only while those reach down to the page's oldest post.
/// </summary>
public sealed class PageLikesTests
{
    private static TimelineEntries With(params long[] recentLikes) => new([], [], recentLikes);

    [Fact]
    public void The_likes_read_tells_which_posts_of_the_page_are_liked() =>
        Assert.Equal([90L, 70L], With(95, 90, 70, 10).LikedAmong([100, 90, 80, 70, 60])!.Order().Reverse());

    [Fact]
    public void A_reader_with_no_likes_likes_nothing_on_the_page() =>
        Assert.Empty(With().LikedAmong([100, 90])!);

    [Fact]
    public void A_full_likes_read_that_stops_above_the_oldest_post_cannot_tell()
    {
        var newest = Enumerable.Range(0, TimelineEntries.LikesRead).Select(i => 1_000L - i).ToArray();   // 1000 … 937
        Assert.Null(With(newest).LikedAmong([1_000, 936]));   // a like of 936 may exist beyond the read
        Assert.Equal([1_000L, 937L], With(newest).LikedAmong([1_000, 937])!.Order().Reverse());   // reaches the oldest: exact
    }

    [Fact]
    public void Entries_read_without_likes_cannot_tell() =>
        Assert.Null(new TimelineEntries([1], [], null).LikedAmong([1]));
}
