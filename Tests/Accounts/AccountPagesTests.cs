using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>The sign-up, sign-in and settings pages: server-rendered forms with readable errors.</summary>
public sealed class AccountPagesTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Signing_up_through_the_page_shows_errors_in_words_then_signs_in()
    {
        using var person = new UserSession(crumbs, $"p{Guid.NewGuid():N}"[..14], UserSession.Password);
        var token = await PageForms.AntiforgeryFieldAsync(person, "/signup");

        using var invalid = await person.SendAsync(HttpMethod.Post, "/signup", content: Form(token,
            ("handle", "no"), ("displayName", "<b>Bold</b>"), ("password", "short")));
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        var html = await invalid.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("A handle is 3 to 20 characters", html, StringComparison.Ordinal);
        Assert.Contains("A password is 10 to 200 characters", html, StringComparison.Ordinal);

        using var valid = await person.SendAsync(HttpMethod.Post, "/signup", content: Form(token,
            ("handle", person.Handle), ("displayName", "<b>Bold</b>"), ("password", UserSession.Password)));
        Assert.Equal(HttpStatusCode.Redirect, valid.StatusCode);

        using var home = await person.SendAsync(HttpMethod.Get, "/settings");
        var settings = await home.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("&lt;b&gt;Bold&lt;/b&gt;", settings, StringComparison.Ordinal);   // shown as text, never as markup
        Assert.DoesNotContain("<b>Bold</b>", settings, StringComparison.Ordinal);
        Assert.Contains($"@{person.Handle}", settings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_form_posted_without_its_antiforgery_field_is_refused()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = alice.Cookies, AllowAutoRedirect = false });
        using var forged = await client.PostAsync(new Uri(crumbs.WebAddress, "/settings?handler=Profile"),
            new FormUrlEncodedContent([new("displayName", "Forged"), new("bio", "")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("Alice", (await alice.GetAsync<ProfileDto>("/api/me")).DisplayName);
    }

    [Fact]
    public async Task The_settings_page_asks_anonymous_visitors_to_sign_in_and_names_the_replica()
    {
        using var anonymous = new UserSession(crumbs, "x", "x");
        using var settings = await anonymous.SendAsync(HttpMethod.Get, "/settings");
        Assert.Equal(HttpStatusCode.Redirect, settings.StatusCode);
        Assert.StartsWith("/signin", settings.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var signIn = await anonymous.SendAsync(HttpMethod.Get, "/signin");
        var html = await signIn.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains($"Served by <code>{ServedBy.Of(signIn)}</code>", html, StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token)));
}
