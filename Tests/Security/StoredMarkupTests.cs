using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// Markup stored through the API (a display name, a bio, posts) comes back HTML-encoded on every page that shows it:
/// as text, in attributes, in the title and in a textarea, for its author and for others.
/// </summary>
public sealed class StoredMarkupTests(SecurityPeople people) : IClassFixture<SecurityPeople>
{
    private const string Name = "\"><img src=x onerror=alert(1)>";
    private const string Bio = "</textarea><script>alert('bio')</script><svg onload=alert(2)>";
    private const string Text = "<script>alert('post')</script> '\"><img src=x onerror=alert(3)> javascript:alert(4) " +
                                "https://x.example/\"><script>alert(5)</script> <iframe srcdoc=\"<b>\"></iframe> {{7*7}}";

    /// <summary>What must never reach a page as it was typed: each opens an element or leaves an attribute.</summary>
    private static readonly string[] Raw = ["<script>alert", "<img src=x", "<svg onload", "<iframe", "\"><img", "'\"><"];

    [Fact]
    public async Task Markup_in_names_bios_and_posts_is_text_on_every_page_that_shows_it()
    {
        var (alice, bob) = (people.Alice, people.Bob);
        using var profile = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = Name, bio = Bio });
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        var post = await alice.PostAsync(Text);
        await bob.FollowAsync(alice.Handle);
        using var like = await bob.SendAsync(HttpMethod.Put, $"/api/posts/{post.Id}/like");
        Assert.Equal(HttpStatusCode.OK, like.StatusCode);
        await bob.TimelineEventuallyAsync(page => page.Items.Any(p => p.Id == post.Id), "Alice's post on Bob's timeline");

        (UserSession Who, string Page, string[] Shown)[] pages =
        [
            (bob, $"/users/{alice.Handle}", [Name, Bio, Text]), (bob, $"/posts/{post.Id}", [Name, Text]), (bob, "/", [Name, Text]),
            (bob, $"/users/{bob.Handle}/following", [Name]), (alice, "/settings", [Name, Bio]), (alice, $"/users/{alice.Handle}", [Name, Bio, Text]),
            (alice, $"/posts/{post.Id}", [Name, Text]),
        ];
        var wrong = new List<string>();
        foreach (var (who, page, shown) in pages)
        {
            using var response = await who.SendAsync(HttpMethod.Get, page);
            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            wrong.AddRange(Raw.Where(raw => html.Contains(raw, StringComparison.Ordinal)).Select(raw => $"{page} as {who.Handle}: {raw} unescaped"));
            wrong.AddRange(shown.Where(value => !html.Contains(WebUtility.HtmlEncode(value)[..20], StringComparison.Ordinal)
                                                && !html.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(value)[..20], StringComparison.Ordinal))
                .Select(value => $"{page} as {who.Handle}: does not show {value[..12]}… as text"));
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }
}
