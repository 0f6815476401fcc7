using Crumbs.Tests.Browser;
using Crumbs.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crumbs.Tests.Live;

/// <summary>A signed-in person's home page in its own browser context, at one address (a replica's own, or the proxy's).</summary>
public sealed class LiveBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private LiveBrowser(IPlaywright playwright, IBrowser browser, IPage page) => (_playwright, _browser, Page) = (playwright, browser, page);

    public IPage Page { get; }

    /// <summary>The live channel's status on the page (wwwroot/js/live.js): its state, replica and "N new posts" button.</summary>
    public ILocator Live => Page.Locator("#live");

    public static async Task<LiveBrowser> OpenHomeAsync(UserSession person, Uri address)
    {
        var (playwright, browser) = await BrowserSession.LaunchAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString() });
        var session = person.Cookies.GetAllCookies().Single(c => c.Name == "crumbs.session");
        await context.AddCookiesAsync([new Cookie { Name = session.Name, Value = session.Value, Url = address.ToString() }]);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        var live = new LiveBrowser(playwright, browser, page);
        await Assertions.Expect(live.Live).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        // A mark that a reload would wipe out: the new posts must come without one.
        await page.EvaluateAsync("() => { window.crumbsNotReloaded = true; }");
        return live;
    }

    public async Task<bool> NotReloadedAsync() => await Page.EvaluateAsync<bool>("() => window.crumbsNotReloaded === true");

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
