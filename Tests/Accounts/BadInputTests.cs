using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>Bad input gets a 4xx with problem details, and nothing is stored.</summary>
public sealed class BadInputTests(CrumbsApp crumbs)
{
    [Theory]
    [InlineData("ab", "Name", "long enough password")]                       // handle too short
    [InlineData("this_handle_is_far_too_long", "Name", "long enough password")]
    [InlineData("bad handle!", "Name", "long enough password")]
    [InlineData("fine_handle", "", "long enough password")]                  // empty display name
    [InlineData("fine_handle", "This display name is much longer than fifty characters in all", "long enough password")]
    [InlineData("fine_handle", "Name", "short")]                             // password under 10 characters
    public async Task Invalid_sign_ups_are_refused_and_store_nothing(string handle, string displayName, string password)
    {
        var unique = handle == "fine_handle" ? $"f{Guid.NewGuid():N}"[..12] : handle;
        using var anonymous = new UserSession(crumbs, unique, password);
        using var response = await anonymous.SendAsync(HttpMethod.Post, "/api/accounts", new { handle = unique, displayName, password });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        using var lookup = await anonymous.SendAsync(HttpMethod.Get, $"/api/users/{Uri.EscapeDataString(unique)}");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task A_handle_taken_in_another_case_is_refused()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "First owner");
        using var response = await alice.SendAsync(HttpMethod.Post, "/api/accounts",
            new { handle = alice.Handle.ToUpperInvariant(), displayName = "Second owner", password = "long enough password" });

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("First owner", (await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}")).DisplayName);
    }

    [Fact]
    public async Task Wrong_passwords_and_unknown_users_get_the_same_401()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var stranger = new UserSession(crumbs, "nobody", "x");

        using var wrong = await stranger.SendAsync(HttpMethod.Post, "/api/sessions", new { handle = alice.Handle, password = "not the password" });
        using var unknown = await stranger.SendAsync(HttpMethod.Post, "/api/sessions", new { handle = "no_such_user_here", password = "whatever password" });

        var wrongBody = await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        var unknownBody = await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.Equal(wrongBody.Title, unknownBody.Title);
        Assert.DoesNotContain(stranger.Cookies.GetAllCookies(), c => c.Name == "crumbs.session");
    }

    [Fact]
    public async Task A_malformed_body_gets_400_problem_details()
    {
        using var anonymous = new UserSession(crumbs, "x", "x");
        using var content = new StringContent("{\"handle\": \"abc\", ", Encoding.UTF8, "application/json");
        using var response = await anonymous.SendAsync(HttpMethod.Post, "/api/accounts", content: content);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Over_long_profile_fields_are_refused_and_the_profile_is_unchanged()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        using var response = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "Alice", bio = new string('b', 161) });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("", (await alice.GetAsync<ProfileDto>("/api/me")).Bio);
    }

    [Fact]
    public async Task A_file_that_is_not_a_picture_is_refused_at_once_and_nothing_is_stored()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var gif = Encoding.ASCII.GetBytes("GIF89a").Concat(new byte[] { 1, 0, 1, 0, 0, 0, 0, 0x3B }).ToArray();

        var headerThenJunk = TestImages.Png(64, 64)[..40].Concat(new byte[5000]).ToArray(); // no chunk after the header reads
        foreach (var (bad, type) in new[]
        {
            (Encoding.UTF8.GetBytes("<script>alert(1)</script>"), "image/png"), (headerThenJunk, "image/png"), (gif, "image/gif"),
            (TestImages.Png(8, 8), "text/plain"),
        })
        {
            using var response = await alice.SendAsync(HttpMethod.Put, "/api/me/avatar", content: Image(bad, type));
            await AssertProblemAsync(response, type == "text/plain" ? HttpStatusCode.UnsupportedMediaType : HttpStatusCode.BadRequest);
        }

        Assert.Null((await alice.GetAsync<ProfileDto>("/api/me")).AvatarUrl);
        Assert.Equal(0L, await StoredForAsync(alice));
    }

    [Fact]
    public async Task A_damaged_picture_fails_its_job_with_the_reason_and_nothing_is_stored()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var png = TestImages.Png(64, 64);

        // Their headers name a PNG, so the web takes them (it does not decode); the worker's whole decode fails.
        foreach (var bad in new[] { png[..(png.Length / 2)], png[..(png.Length * 9 / 10)] })
        {
            using var response = await alice.SendAsync(HttpMethod.Put, "/api/me/avatar", content: Image(bad, "image/png"));
            var job = await JobWaits.WaitUntilEndedAsync(alice, (await JobWaits.AssertAcceptedAsync(response)).StatusUrl);
            Assert.Equal("failed", job.State);
            Assert.Equal("The picture is damaged or incomplete.", job.Reason);
        }

        var me = await alice.GetAsync<ProfileDto>("/api/me");
        Assert.Null(me.AvatarUrl);
        Assert.False(me.AvatarProcessing);
        Assert.Equal(0L, await StoredForAsync(alice));
    }

    /// <summary>Pictures and waiting uploads kept for the user.</summary>
    private async Task<long> StoredForAsync(UserSession user) => await new Database(crumbs).ScalarAsync<long>(
        """
        select (select count(*) from media where owner_id = u.id) + (select count(*) from avatar_uploads where owner_id = u.id)
        from users u where handle = @handle
        """, ("handle", user.Handle));

    [Fact]
    public async Task A_picture_over_2_MB_is_refused_with_413()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var huge = TestImages.Png(900, 900); // noise: about 2.4 MB
        Assert.True(huge.Length > 2 * 1024 * 1024);

        using var response = await alice.SendAsync(HttpMethod.Put, "/api/me/avatar", content: Image(huge, "image/png"));
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Null((await alice.GetAsync<ProfileDto>("/api/me")).AvatarUrl);
    }

    public static ByteArrayContent Image(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    public static async Task<Problem> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Problem>(TestContext.Current.CancellationToken);
        Assert.Equal((int)status, problem!.Status);
        return problem;
    }

    public sealed record Problem(string? Type, string? Title, int Status, string? Detail);
}
