using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;

namespace Crumbs.Tests.Unit;

/// <summary>A cached timeline page in Redis: the version it was read under, then its ids, in order.</summary>
public sealed class StoredPageTests
{
    private static Post PostWithId(long id) => new(id, 1, "author", "Author", null, "text", 0, DateTime.UnixEpoch);

    [Fact]
    public void A_page_reads_back_as_its_version_and_ids_in_order()
    {
        var stored = StoredPage.Read(StoredPage.Write(41, [PostWithId(9_000_000_001), PostWithId(7), PostWithId(3)]));
        Assert.NotNull(stored);
        Assert.Equal(41, stored.Value.Version);
        Assert.Equal([9_000_000_001L, 7L, 3L], stored.Value.Ids);
    }

    [Fact]
    public void An_empty_page_keeps_its_version() =>
        Assert.Equal((5L, 0), StoredPage.Read(StoredPage.Write(5, [])) is { } s ? (s.Version, s.Ids.Length) : default);

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(12)]
    public void Bytes_that_are_not_a_stored_page_read_as_a_miss(int length) =>
        Assert.Null(StoredPage.Read(new byte[length]));
}
