using Microsoft.Playwright;

namespace Crumbs.Tests.Browser;

/// <summary>Debian's Chromium, headless, driven by Playwright: nothing is downloaded, nothing leaves this machine.</summary>
public static class BrowserSession
{
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
            ],
        });
        return (playwright, browser);
    }
}
