using Crumbs.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crumbs.Tests.Browser;

/// <summary>The timeline a person expects, in Chromium: one Like/Unlike toggle per post, pictures, times, a live counter.</summary>
public sealed class TimelinePageTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Every_post_shows_one_toggle_with_the_viewers_state_an_avatar_and_a_relative_time()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice <i>Avatar</i>");
        using var bob = await UserSession.SignUpAsync(crumbs);
        await bob.FollowAsync(alice.Handle);
        var liked = await alice.PostAsync("bob likes this one");
        var plain = await alice.PostAsync("bob does not like this one");
        await bob.TimelineEventuallyAsync(p => p.Items.Count(i => i.Id == liked.Id || i.Id == plain.Id) == 2, "the fan-out");
        using (var like = await bob.SendAsync(HttpMethod.Put, $"/api/posts/{liked.Id}/like"))
        {
            like.EnsureSuccessStatusCode();
        }

        var (playwright, browser) = await BrowserSession.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = crumbs.WebAddress.ToString() });
            var session = bob.Cookies.GetAllCookies().Single(c => c.Name == "crumbs.session");
            await context.AddCookiesAsync([new Cookie { Name = session.Name, Value = session.Value, Url = crumbs.WebAddress.ToString() }]);
            var page = await context.NewPageAsync();

            foreach (var path in new[] { "/", $"/users/{alice.Handle}" })
            {
                await page.GotoAsync(path);
                var posts = page.Locator("article.post");
                Assert.True(await posts.CountAsync() >= 2, $"{path} shows the posts");
                foreach (var post in await posts.AllAsync())
                {
                    var id = await post.GetAttributeAsync("data-post");
                    var toggles = post.Locator("form[action*='handler=Like'] button");
                    Assert.Equal(1, await toggles.CountAsync());
                    Assert.Equal(id == liked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ? "Unlike" : "Like",
                        (await toggles.InnerTextAsync()).Trim());
                    var avatar = post.Locator("img.avatar");
                    Assert.Equal(1, await avatar.CountAsync());
                    Assert.Equal("/img/avatar.svg", await avatar.GetAttributeAsync("src"));   // alice has no picture: the default
                    Assert.True(await avatar.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1") > 0, "the default picture loads");
                    var time = post.Locator("time");
                    Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", await time.GetAttributeAsync("title"));
                }

                // The author's name, which holds markup, is shown as text.
                await Assertions.Expect(page.Locator("article.post", new() { HasText = liked.Text })).ToContainTextAsync("Alice <i>Avatar</i>");
                await Assertions.Expect(page.Locator("article.post", new() { HasText = liked.Text }).Locator("time")).ToHaveTextAsync("just now");
            }

            // The toggle works both ways, and the page says so after the round trip.
            await page.GotoAsync($"/posts/{liked.Id}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Unlike", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("article.post")).ToContainTextAsync("0 likes");
            await Assertions.Expect(page.Locator("article.post form[action*='handler=Like'] button")).ToHaveTextAsync("Like");
            await page.GetByRole(AriaRole.Button, new() { Name = "Like", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("article.post")).ToContainTextAsync("1 like");
            await Assertions.Expect(page.Locator("article.post form[action*='handler=Like'] button")).ToHaveTextAsync("Unlike");

            // The compose box counts what is left as it is typed (site.js); without the script the page still posts.
            await page.GotoAsync("/");
            await Assertions.Expect(page.Locator("#compose-count")).ToHaveTextAsync("280 characters left");
            await page.GetByLabel("What's new?").FillAsync("hello");
            await Assertions.Expect(page.Locator("#compose-count")).ToHaveTextAsync("275 characters left");
            await page.GetByLabel("What's new?").FillAsync(new string('x', 281));
            await Assertions.Expect(page.Locator("#compose-count")).ToHaveTextAsync("1 character too many");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
