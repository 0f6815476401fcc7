using System.Text;
using System.Text.Json;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;

namespace Crumbs.Tests.Unit;

/// <summary>A post object's JSON in Redis (Domain/Caching/PostJson.cs): the same document as before, read back whole.</summary>
public sealed class PostJsonTests
{
    private static readonly Post Sample = new(9_000_000_001, 42, "ada", "Ada \"the\" Lovelace ✓ <b>",
        "/media/avatars/42?v=3", "line one\nline two, \\ and \u00e9 and 🙂", 1_234, new DateTime(2026, 11, 30, 22, 31, 28, 123, DateTimeKind.Utc).AddTicks(4567));

    [Fact]
    public void A_post_reads_back_equal_to_what_was_written()
    {
        Assert.Equal(Sample, PostObject.Read(PostObject.Write(Sample)));
        var noAvatar = Sample with { AuthorAvatarUrl = null };
        Assert.Equal(noAvatar, PostObject.Read(PostObject.Write(noAvatar)));
    }

    [Fact]
    public void It_reads_what_the_generated_code_wrote_before_and_writes_the_same_document()
    {
        // Copies written by the previous build stay in Redis for up to their lifetime: both ways must agree.
        var before = JsonSerializer.SerializeToUtf8Bytes(Sample, JsonSerializerOptions.Web);
        Assert.Equal(Sample, PostObject.Read(before));
        Assert.Equal(JsonDocument.Parse(before).RootElement.ToString(), JsonDocument.Parse((byte[])PostObject.Write(Sample)!).RootElement.ToString());
    }

    [Fact]
    public void Properties_in_any_order_and_unknown_ones_are_read()
    {
        const string json = """{"text":"hi","future":{"a":[1,2]},"createdAt":"2026-01-02T03:04:05Z","authorDisplayName":"Bo","likeCount":3,"authorAvatarUrl":null,"id":7,"authorHandle":"bo","authorId":2}""";
        Assert.Equal(new Post(7, 2, "bo", "Bo", null, "hi", 3, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
            PostObject.Read(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"authorHandle":"bo","authorDisplayName":"Bo","text":"hi"}""")]
    [InlineData("""{"id":7,"authorDisplayName":"Bo","text":"hi"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"id":7,"authorHandle":"bo","authorDisplayName":"Bo","text":"hi"}{"id":8}""")]
    [InlineData("""{"id":7,"authorHandle":"bo","authorDisplayName":"Bo","text":"hi""")]
    public void A_document_that_is_not_a_whole_post_is_refused(string json) =>
        Assert.ThrowsAny<JsonException>(() => PostObject.Read(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_tombstone_or_nothing_reads_as_a_miss()
    {
        Assert.Null(PostObject.Read(""));
        Assert.Null(PostObject.Read(StackExchange.Redis.RedisValue.Null));
    }
}
