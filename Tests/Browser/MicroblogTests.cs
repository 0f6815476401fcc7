using Crumbs.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crumbs.Tests.Browser;

/// <summary>A person in a real browser: sign up, post, follow someone, see their post at home, like it.</summary>
public sealed class MicroblogTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Sign_up_post_follow_see_their_post_at_home_and_like_it()
    {
        using var friend = await UserSession.SignUpAsync(crumbs, "Friendly Fran");
        var handle = $"b{Guid.NewGuid():N}"[..12];
        var (playwright, browser) = await BrowserSession.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = crumbs.WebAddress.ToString() });

            await page.GotoAsync("/signup");
            await page.GetByLabel("Handle").FillAsync(handle);
            await page.GetByLabel("Display name").FillAsync("Browser Bea");
            await page.GetByLabel("Password").FillAsync("a browser password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();

            await page.GetByLabel("What's new?").FillAsync("Hello from a real browser <b>not bold</b> https://example.org");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post", Exact = true }).ClickAsync();
            var mine = page.Locator("article.post").First;
            await Assertions.Expect(mine).ToContainTextAsync("<b>not bold</b>");       // shown as text
            await Assertions.Expect(mine.Locator("a[rel~=nofollow]")).ToHaveAttributeAsync("href", "https://example.org");

            var theirs = await friend.PostAsync("A post from Fran to see at home");
            await page.GotoAsync($"/users/{friend.Handle}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Follow" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unfollow" })).ToBeVisibleAsync();

            var post = page.Locator("article.post", new() { HasText = theirs.Text });
            await Eventually.GetAsync(async () =>
            {
                await page.GotoAsync("/");
                return await post.CountAsync() == 1 ? "at home" : null;
            }, TimeSpan.FromSeconds(30), "Fran's post on the home timeline (backfilled by a worker)");

            await post.GetByRole(AriaRole.Button, new() { Name = "Like", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("article.post", new() { HasText = theirs.Text })).ToContainTextAsync("1 like");
            Assert.Equal(1, (await friend.GetAsync<PostDto>($"/api/posts/{theirs.Id}")).LikeCount);

            var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "crumbs.session").Value;
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();

            // The browser forgot its cookie; the server must have forgotten the session too: a copy replayed is refused.
            using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri(crumbs.WebAddress, "/api/me"));
            replay.Headers.Add("Cookie", $"crumbs.session={session}");
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false });
            using var replayed = await client.SendAsync(replay, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, replayed.StatusCode);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
