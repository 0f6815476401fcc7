using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>Sign-up and a password change refuse weak passwords, with the reason under "password".</summary>
public sealed class WeakPasswordTests(CrumbsApp crumbs)
{
    [Theory]
    [InlineData("aaaaaaaaaa")]
    [InlineData("password123")]
    [InlineData("{handle}")]
    [InlineData("{HANDLE}")]
    public async Task Sign_up_with_a_weak_password_gets_400_with_a_password_error(string password)
    {
        var handle = $"w{Guid.NewGuid():N}"[..12];
        password = password.Replace("{handle}", handle, StringComparison.Ordinal).Replace("{HANDLE}", handle.ToUpperInvariant(), StringComparison.Ordinal);
        using var anonymous = new UserSession(crumbs, handle, password);
        using var response = await anonymous.SendAsync(HttpMethod.Post, "/api/accounts", new { handle, displayName = "Weak", password });

        Assert.NotEmpty((await PasswordErrorsAsync(response))["password"]);
        using var lookup = await anonymous.SendAsync(HttpMethod.Get, $"/api/users/{handle}");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task A_password_change_to_a_common_password_is_refused_and_the_old_one_still_works()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var change = await alice.SendAsync(HttpMethod.Put, "/api/me/password",
            new { currentPassword = UserSession.Password, newPassword = "qwertyuiop" });

        Assert.Contains("most common", (await PasswordErrorsAsync(change))["password"][0], StringComparison.Ordinal);
        using var elsewhere = await alice.SignInElsewhereAsync();   // the old password still signs in
    }

    [Fact]
    public async Task The_sign_up_page_says_why_in_words()
    {
        var handle = $"w{Guid.NewGuid():N}"[..12];
        using var person = new UserSession(crumbs, handle, "x");
        var token = await PageForms.AntiforgeryFieldAsync(person, "/signup");
        using var page = await person.SendAsync(HttpMethod.Post, "/signup", content: new FormUrlEncodedContent(
            [new("handle", handle), new("displayName", "Weak"), new("password", handle), new("__RequestVerificationToken", token)]));

        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("must not be your handle", html, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Cookies.GetAllCookies(), c => c.Name == "crumbs.session");
    }

    private static async Task<Dictionary<string, string[]>> PasswordErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>(TestContext.Current.CancellationToken);
        Assert.True(problem!.Errors.ContainsKey("password"), string.Join(", ", problem.Errors.Keys));
        return problem.Errors;
    }

    private sealed record ValidationProblem(int Status, Dictionary<string, string[]> Errors);
}
