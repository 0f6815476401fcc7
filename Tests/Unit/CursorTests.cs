using Crumbs.Domain.Posts;

namespace Crumbs.Tests.Unit;

/// <summary>Keyset cursors: only what the API gave out is a cursor, and a page says whether there is another.</summary>
public sealed class CursorTests
{
    [Theory]
    [InlineData(null, null, long.MaxValue, Cursor.DefaultLimit)]
    [InlineData("42", 5, 42L, 5)]
    [InlineData("", 100, long.MaxValue, 100)]
    public void Cursors_and_limits_the_API_gave_out_parse(string? before, int? limit, long max, int count) =>
        Assert.Equal((max, count, (string?)null), Cursor.Parse(before, limit));

    [Theory]
    [InlineData("-1", null)]
    [InlineData("0", null)]
    [InlineData("1e3", null)]
    [InlineData(" 5", null)]
    [InlineData("99999999999999999999", null)]
    [InlineData("\uFF15", null)]          // a full-width 5
    [InlineData("5", 0)]
    [InlineData("5", 101)]
    public void Anything_else_is_refused_with_a_reason(string before, int? limit) =>
        Assert.NotNull(Cursor.Parse(before, limit).Problem);

    [Fact]
    public void A_full_page_points_at_its_last_item_and_a_short_one_ends_the_list()
    {
        Assert.Equal("7", Cursor.PageOf<long>([9, 8, 7], 3, id => id).Next);
        Assert.Null(Cursor.PageOf<long>([9, 8], 3, id => id).Next);
        Assert.Null(Cursor.PageOf<long>([], 3, id => id).Next);
    }
}
