using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>Sign-in attempts are limited per handle, and the count is shared by every clone.</summary>
public sealed class SignInLimitTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Attempts_spread_over_the_replicas_are_counted_together_and_then_refused_with_429()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);   // one attempt: the sign-in after sign-up
        using var attacker = new UserSession(crumbs, alice.Handle, "x");
        var replicas = crumbs.Replicas.Of("web");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 12; i++)
        {
            last?.Dispose();
            last = await attacker.SendAsync(HttpMethod.Post, "/api/sessions",
                new { handle = alice.Handle, password = $"wrong password {i}" }, replicas[i % replicas.Count].Address);
            statuses.Add(last.StatusCode);
        }

        // The limit is 10 attempts per handle in the window; the first sign-in used one.
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        await BadInputTests.AssertProblemAsync(last!, HttpStatusCode.TooManyRequests);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        last.Dispose();

        // Even the right password waits now.
        using var right = await attacker.SendAsync(HttpMethod.Post, "/api/sessions", new { handle = alice.Handle, password = UserSession.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }
}
