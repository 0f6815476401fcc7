using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>Lesson 1: a session and its antiforgery token, minted by one clone, work on every other.</summary>
public sealed class SessionsAcrossClonesTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_session_started_on_one_replica_is_served_by_every_other_including_an_unsafe_request()
    {
        var replicas = crumbs.Replicas.Of("web");
        Assert.Equal(CrumbsApp.WebReplicas, replicas.Count);
        using var alice = await UserSession.SignUpAsync(crumbs);
        await alice.SignInAsync(replicas[0].Address);        // session and CSRF token minted by replica 0

        foreach (var replica in replicas.Skip(1))
        {
            using var me = await alice.SendAsync(HttpMethod.Get, "/api/me", replica: replica.Address);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(replica.Name, ServedBy.Of(me));
            Assert.Equal(alice.Handle, (await me.Content.ReadFromJsonAsync<ProfileDto>(TestContext.Current.CancellationToken))!.Handle);
        }

        using var update = await alice.SendAsync(HttpMethod.Put, "/api/me/profile",
            new { displayName = "Alice on replica 1", bio = "minted elsewhere" }, replicas[1].Address);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(replicas[1].Name, ServedBy.Of(update));

        var profile = await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replicas[2].Address);
        Assert.Equal("Alice on replica 1", profile.DisplayName);
    }

    [Fact]
    public async Task Signing_out_everywhere_on_one_replica_ends_every_session_on_every_replica()
    {
        var replicas = crumbs.Replicas.Of("web");
        using var laptop = await UserSession.SignUpAsync(crumbs);
        using var phone = await laptop.SignInElsewhereAsync(replicas[2].Address);

        using var signOut = await laptop.SendAsync(HttpMethod.Delete, "/api/sessions", replica: replicas[0].Address);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);

        foreach (var replica in replicas)
        {
            using var me = await phone.SendAsync(HttpMethod.Get, "/api/me", replica: replica.Address);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
    }

    [Fact]
    public async Task Signing_out_ends_only_this_session()
    {
        using var laptop = await UserSession.SignUpAsync(crumbs);
        using var phone = await laptop.SignInElsewhereAsync();

        using var signOut = await laptop.SendAsync(HttpMethod.Delete, "/api/sessions/current");
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);

        using var laptopMe = await laptop.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, laptopMe.StatusCode);
        using var phoneMe = await phone.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.OK, phoneMe.StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_the_other_sessions_and_keeps_this_one()
    {
        using var laptop = await UserSession.SignUpAsync(crumbs);
        using var phone = await laptop.SignInElsewhereAsync();

        using var change = await laptop.SendAsync(HttpMethod.Put, "/api/me/password",
            new { currentPassword = UserSession.Password, newPassword = "a brand new password" });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        using var phoneMe = await phone.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, phoneMe.StatusCode);
        using var laptopMe = await laptop.SendAsync(HttpMethod.Get, "/api/me");
        Assert.Equal(HttpStatusCode.OK, laptopMe.StatusCode);
    }

    [Fact]
    public async Task An_unsafe_request_with_the_session_cookie_but_without_a_valid_token_is_refused()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        var aliceToken = alice.CsrfToken;

        // No token at all.
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(crumbs.WebAddress, "/api/me/profile"))
        {
            Content = JsonContent.Create(new { displayName = "Forged", bio = "" }),
        };
        using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = bob.Cookies });
        using var noToken = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal("application/problem+json", noToken.Content.Headers.ContentType?.MediaType);

        // Another user's token.
        var forged = new HttpRequestMessage(HttpMethod.Put, new Uri(crumbs.WebAddress, "/api/me/profile"))
        {
            Content = JsonContent.Create(new { displayName = "Forged", bio = "" }),
        };
        forged.Headers.Add("X-CSRF-TOKEN", aliceToken);
        using var wrongToken = await client.SendAsync(forged, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, wrongToken.StatusCode);

        Assert.NotEqual("Forged", (await bob.GetAsync<ProfileDto>("/api/me")).DisplayName);
    }
}
