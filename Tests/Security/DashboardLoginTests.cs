using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>The dashboard of `./crumbs start` keeps Aspire's browser-token login (the console prints the link).</summary>
public sealed class DashboardLoginTests
{
    [Fact]
    public async Task The_app_host_launch_profile_does_not_open_the_dashboard_to_anyone()
    {
        var launchSettings = await File.ReadAllTextAsync(
            Path.Combine(AppHostProcess.Directory, "Properties", "launchSettings.json"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain("ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", launchSettings, StringComparison.Ordinal);
    }
}
