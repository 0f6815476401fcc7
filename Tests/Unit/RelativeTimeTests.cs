using Crumbs.Web.Posts;

namespace Crumbs.Tests.Unit;

/// <summary>"3 min ago": the words a post's time is shown in (Web/wwwroot/js/site.js repeats them in the browser).</summary>
public sealed class RelativeTimeTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(59, "just now")]
    [InlineData(60, "1 min ago")]
    [InlineData(3 * 60 + 30, "3 min ago")]
    [InlineData(3600, "1 h ago")]
    [InlineData(23 * 3600 + 3599, "23 h ago")]
    [InlineData(86400, "1 d ago")]
    [InlineData(7 * 86400, "23 Nov 2026")]
    public void A_time_is_said_as_people_say_it(int secondsAgo, string said) =>
        Assert.Equal(said, RelativeTime.Of(Now.AddSeconds(-secondsAgo), Now));

    [Fact]
    public void The_exact_time_is_kept_for_the_hover() =>
        Assert.Equal("2026-11-30 12:00 UTC", RelativeTime.Exact(Now));
}
