using Crumbs.Domain.Posts;
using Crumbs.Web.Posts;

namespace Crumbs.Tests.Unit;

/// <summary>What a post may be, and how its text becomes HTML (the guard against stored script).</summary>
public sealed class PostTextTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")]
    [InlineData("one\ntwo", "one<br>two")]
    public void Text_is_encoded_and_line_breaks_kept(string text, string html) => Assert.Equal(html, Html(text));

    [Fact]
    public void A_link_is_clickable_and_cannot_break_out_of_its_attribute()
    {
        Assert.Equal("see <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer ugc\">https://example.org/a?b=1&amp;c=2</a>.",
            Html("see https://example.org/a?b=1&c=2."));
        Assert.DoesNotContain("\"onmouseover", Html("https://x.org/\"onmouseover=alert(1)"), StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"javascript", Html("javascript:alert(1)"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "A post needs some text.")]
    [InlineData("   \r\n ", "A post needs some text.")]
    [InlineData("bell\u0007", "A post cannot contain control characters.")]
    public void Bad_posts_are_refused_with_a_reason(string text, string problem) => Assert.Equal((null, problem), PostRules.Check(text));

    [Fact]
    public void Length_is_counted_as_people_count_it()
    {
        var accented = "e\u0301";   // é as a letter and a combining accent: two chars, one character to a person
        Assert.NotNull(PostRules.Check(string.Concat(Enumerable.Repeat(accented, PostRules.MaxLength))).Text);
        Assert.Null(PostRules.Check(string.Concat(Enumerable.Repeat(accented, PostRules.MaxLength + 1))).Text);
        Assert.Null(PostRules.Check(new string('a', PostRules.MaxLength + 1)).Text);
        Assert.Equal("a\nb", PostRules.Check("  a\r\nb  ").Text);
    }

    private static string Html(string text)
    {
        using var writer = new StringWriter();
        PostText.Render(text).WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return writer.ToString();
    }
}
