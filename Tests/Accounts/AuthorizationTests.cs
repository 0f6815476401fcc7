using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>Every endpoint that needs a user refuses anonymous calls; nobody can change someone else's profile.</summary>
public sealed class AuthorizationTests(CrumbsApp crumbs)
{
    [Theory]
    [InlineData("GET", "/api/me")]
    [InlineData("PUT", "/api/me/profile")]
    [InlineData("PUT", "/api/me/password")]
    [InlineData("PUT", "/api/me/avatar")]
    [InlineData("DELETE", "/api/sessions/current")]
    [InlineData("DELETE", "/api/sessions")]
    public async Task Anonymous_calls_get_401_problem_details(string method, string path)
    {
        using var anonymous = new UserSession(crumbs, "x", "x");
        using var response = await anonymous.SendAsync(new HttpMethod(method), path, method == "GET" ? null : new { });
        await BadInputTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_user_can_change_only_their_own_profile()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        using var mallory = await UserSession.SignUpAsync(crumbs, "Mallory");

        // The API has no way to name another user: "me" is whoever the session belongs to.
        using var update = await mallory.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "Pwned", bio = "" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        Assert.Equal("Alice", (await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}")).DisplayName);
        Assert.Equal("Pwned", (await alice.GetAsync<ProfileDto>($"/api/users/{mallory.Handle}")).DisplayName);
    }
}
