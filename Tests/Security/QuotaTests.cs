using System.Net;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// Per-user quotas, counted in Redis across the clones: exports keep their real default here (5 a day; the test app
/// raises only posts, likes, follows and sign-ups, which the other tests do at machine speed).
/// </summary>
public sealed class QuotaTests(CrumbsApp crumbs)
{
    private const int ExportsPerDay = 5;

    [Fact]
    public async Task The_sixth_export_of_the_day_is_refused_with_429_a_problem_and_Retry_After_on_any_replica_and_the_page_says_so()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        var replicas = crumbs.Replicas.Of("web");
        for (var i = 0; i < ExportsPerDay; i++)
        {
            using var accepted = await alice.SendAsync(HttpMethod.Post, "/api/me/exports", replica: replicas[i % replicas.Count].Address);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var refused = await alice.SendAsync(HttpMethod.Post, "/api/me/exports", replica: replicas[^1].Address);
        await BadInputTests.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromHours(1), $"Retry-After {refused.Headers.RetryAfter}");

        var token = await PageForms.AntiforgeryFieldAsync(alice, "/exports");
        using var page = await alice.SendAsync(HttpMethod.Post, "/exports",
            content: new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("many exports today", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // Someone else's quota is their own.
        using var bob = await UserSession.SignUpAsync(crumbs, "Bob");
        using var theirs = await bob.SendAsync(HttpMethod.Post, "/api/me/exports");
        Assert.Equal(HttpStatusCode.Accepted, theirs.StatusCode);
    }
}
