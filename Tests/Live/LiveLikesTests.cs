using System.Net;
using Crumbs.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crumbs.Tests.Live;

/// <summary>
/// Open pages follow the posts they show (Web/Live/WatchedPosts.cs, wwwroot/js/live.js): a like through one clone
/// updates the count on pages held by two others, and a delete takes the post off them, with no reload.
/// </summary>
public sealed class LiveLikesTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_like_through_a_third_clone_updates_the_count_on_two_open_pages_and_a_delete_removes_the_post()
    {
        var web = crumbs.Replicas.Of("web");
        using var author = await UserSession.SignUpAsync(crumbs, "Liked Author");
        using var first = await UserSession.SignUpAsync(crumbs, "First Viewer");
        using var second = await UserSession.SignUpAsync(crumbs, "Second Viewer");
        using var liker = await UserSession.SignUpAsync(crumbs, "The Liker");
        await first.FollowAsync(author.Handle);
        await second.FollowAsync(author.Handle);
        var post = await author.PostAsync($"Like me from afar {Guid.NewGuid():N}");
        await first.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the post in the first viewer's timeline");
        await second.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the post in the second viewer's timeline");

        await using var firstPage = await LiveBrowser.OpenHomeAsync(first, web[0].Address!);
        await using var secondPage = await LiveBrowser.OpenHomeAsync(second, web[1].Address!);
        var pages = new[] { firstPage, secondPage };
        foreach (var page in pages)
        {
            await Assertions.Expect(Article(page, post.Id).Locator("span.likes")).ToHaveTextAsync("0 likes");
            await Assertions.Expect(page.Live).ToHaveAttributeAsync("data-watching", "1", new() { Timeout = 10_000 });   // its groups joined
        }

        using (var liked = await liker.SendAsync(HttpMethod.Put, $"/api/posts/{post.Id}/like", replica: web[2].Address))
        {
            Assert.Equal(HttpStatusCode.OK, liked.StatusCode);
        }

        foreach (var page in pages)
        {
            await Assertions.Expect(Article(page, post.Id).Locator("span.likes")).ToHaveTextAsync("1 like", new() { Timeout = 5_000 });
            // Someone else's like: the viewer's own toggle still offers "Like".
            await Assertions.Expect(Article(page, post.Id).GetByRole(AriaRole.Button, new() { Name = "Like", Exact = true })).ToBeVisibleAsync();
        }

        using (var unliked = await liker.SendAsync(HttpMethod.Delete, $"/api/posts/{post.Id}/like", replica: web[2].Address))
        {
            Assert.Equal(HttpStatusCode.OK, unliked.StatusCode);
        }

        foreach (var page in pages)
        {
            await Assertions.Expect(Article(page, post.Id).Locator("span.likes")).ToHaveTextAsync("0 likes", new() { Timeout = 5_000 });
        }

        using (var deleted = await author.SendAsync(HttpMethod.Delete, $"/api/posts/{post.Id}", replica: web[2].Address))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        foreach (var page in pages)
        {
            await Assertions.Expect(Article(page, post.Id)).ToHaveCountAsync(0, new() { Timeout = 5_000 });
            Assert.True(await page.NotReloadedAsync(), "The page was reloaded.");
        }
    }

    private static ILocator Article(LiveBrowser page, long id) => page.Page.Locator($"#timeline article.post[data-post='{id}']");
}
