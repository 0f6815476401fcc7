using Crumbs.Tests.Browser;
using Crumbs.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crumbs.Tests.Security;

/// <summary>In a real browser, the policy blocks nothing the pages and the API reference need.</summary>
public sealed class ContentSecurityPolicyBrowserTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Pages_and_the_api_reference_run_without_a_single_violation()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        await alice.PostAsync("Hello under a strict policy");
        var (playwright, browser) = await BrowserSession.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = crumbs.WebAddress.ToString() });
            var violations = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                {
                    violations.Add($"{page.Url}: {message.Text}");
                }
            };
            page.PageError += (_, error) => violations.Add($"{page.Url}: {error}");

            foreach (var path in new[] { "/signin", "/signup", "/trending", $"/users/{alice.Handle}" })
            {
                await page.GotoAsync(path);
                await Assertions.Expect(page.Locator("main h1").First).ToBeVisibleAsync();
            }

            await page.GotoAsync("/scalar/");
            await Assertions.Expect(page.Locator("h1", new() { HasText = "Crumbs" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.GetByText("Accounts").First).ToBeAttachedAsync();   // the document was fetched and read
            Assert.Empty(violations);

            // The check itself works: a framed page is refused, and says so.
            await page.SetContentAsync($"<iframe src=\"{new Uri(crumbs.WebAddress, "/signin")}\"></iframe>");
            await Eventually.GetAsync(() => Task.FromResult<string?>(violations.Count > 0 ? "seen" : null), TimeSpan.FromSeconds(10),
                "the browser to report the refused frame");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
