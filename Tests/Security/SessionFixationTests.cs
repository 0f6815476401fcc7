using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// A sign-in never adopts the session a browser already had: a cookie planted by an attacker is dead once the
/// victim signs in, signs up or changes a password, and each of those mints a new session id.
/// </summary>
public sealed class SessionFixationTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_planted_session_cookie_does_not_follow_the_victims_sign_in()
    {
        using var mallory = await UserSession.SignUpAsync(crumbs, "Mallory");
        using var victim = await UserSession.SignUpAsync(crumbs, "Victim");
        using var sharedBrowser = new UserSession(crumbs, victim.Handle, UserSession.Password);
        sharedBrowser.Cookies.Add(mallory.Cookies.GetAllCookies());   // Mallory's cookie, planted in the browser
        var planted = SessionCookie(mallory);

        await sharedBrowser.RefreshCsrfAsync();                        // as the page would, under Mallory's session
        await sharedBrowser.SignInAsync();

        Assert.NotEqual(planted, SessionCookie(sharedBrowser));
        Assert.Equal(victim.Handle, (await sharedBrowser.GetAsync<ProfileDto>("/api/me")).Handle);
        using var stolen = await mallory.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, stolen.StatusCode);  // the planted session ended with the sign-in
    }

    [Fact]
    public async Task A_planted_session_cookie_does_not_follow_a_sign_up_through_the_page()
    {
        using var mallory = await UserSession.SignUpAsync(crumbs, "Mallory");
        using var newcomer = new UserSession(crumbs, $"n{Guid.NewGuid():N}"[..14], UserSession.Password);
        newcomer.Cookies.Add(mallory.Cookies.GetAllCookies());
        var planted = SessionCookie(mallory);

        var token = await PageForms.AntiforgeryFieldAsync(newcomer, "/signup");
        using var signedUp = await newcomer.SendAsync(HttpMethod.Post, "/signup", content: new FormUrlEncodedContent(
        [
            new("handle", newcomer.Handle), new("displayName", "Newcomer"), new("password", UserSession.Password),
            new("__RequestVerificationToken", token),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);

        Assert.NotEqual(planted, SessionCookie(newcomer));
        Assert.Equal(newcomer.Handle, (await newcomer.GetAsync<ProfileDto>("/api/me")).Handle);
        using var stolen = await mallory.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, stolen.StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_the_changing_sessions_old_cookie_and_keeps_the_client_signed_in()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        using var copy = new UserSession(crumbs, alice.Handle, UserSession.Password);
        copy.Cookies.Add(alice.Cookies.GetAllCookies());               // whoever copied the cookie before the change
        var before = SessionCookie(alice);

        using var changed = await alice.SendAsync(HttpMethod.Put, "/api/me/password",
            new { currentPassword = UserSession.Password, newPassword = "a brand new passphrase 42" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        Assert.NotEqual(before, SessionCookie(alice));
        using var old = await copy.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var current = await alice.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(alice.Handle, (await current.Content.ReadFromJsonAsync<ProfileDto>(TestContext.Current.CancellationToken))!.Handle);
    }

    [Fact]
    public async Task A_signed_out_cookie_replayed_later_is_refused()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        using var copy = new UserSession(crumbs, alice.Handle, UserSession.Password);
        copy.Cookies.Add(alice.Cookies.GetAllCookies());

        using var signedOut = await alice.SendAsync(HttpMethod.Delete, "/api/sessions/current");
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);

        using var replayed = await copy.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
    }

    private static string? SessionCookie(UserSession session) =>
        session.Cookies.GetAllCookies().FirstOrDefault(c => c.Name == "crumbs.session")?.Value;
}
