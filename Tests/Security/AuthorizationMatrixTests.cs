using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// Every route that reads or changes someone's data, as three people: nobody (401 from the API, the sign-in page
/// from pages), someone else (403 or 404, as the API answers elsewhere), and the owner (2xx). One test walks the
/// whole matrix and lists every cell that answered wrongly.
/// </summary>
public sealed class AuthorizationMatrixTests(CrumbsApp crumbs, SecurityPeople people) : IClassFixture<SecurityPeople>
{
    private const string NewPassword = "a different staple 91c2 horse";
    private readonly List<string> _wrong = [];

    [Fact]
    public async Task Nobody_gets_in_someone_else_gets_nothing_of_the_owners_and_the_owner_gets_through()
    {
        var (alice, bob) = (people.Alice, people.Bob);
        using var nobody = new UserSession(crumbs, "nobody", "x");
        var tokens = new Dictionary<UserSession, string>
        {
            [nobody] = await PageForms.AntiforgeryFieldAsync(nobody, "/signin"), // so pages answer for who it is, not for a missing token
            [alice] = people.AlicePageToken,
            [bob] = await PageForms.AntiforgeryFieldAsync(bob, "/settings"),
        };
        var post = await alice.PostAsync("Alice's post");
        var export = await StartJobAsync(alice, HttpMethod.Post, "/api/me/exports", null);
        var picture = await StartJobAsync(alice, HttpMethod.Put, "/api/me/avatar", BadInputTestsImage());
        await JobWaits.WaitUntilEndedAsync(alice, $"/api/jobs/{export}");

        // Profile, picture and their jobs.
        await ExpectAsync(nobody, HttpMethod.Get, "/api/me", HttpStatusCode.Unauthorized);
        await ExpectAsync(alice, HttpMethod.Get, "/api/me", HttpStatusCode.OK, body => body.Contains(alice.Handle, StringComparison.Ordinal));
        await ExpectAsync(bob, HttpMethod.Get, "/api/me", HttpStatusCode.OK, body => !body.Contains(alice.Handle, StringComparison.Ordinal));
        await ExpectAsync(nobody, HttpMethod.Put, "/api/me/profile", HttpStatusCode.Unauthorized, json: new { displayName = "Nobody", bio = "" });
        await ExpectAsync(alice, HttpMethod.Put, "/api/me/profile", HttpStatusCode.OK, json: new { displayName = "Alice", bio = "Alice's own bio" });
        await ExpectAsync(nobody, HttpMethod.Put, "/api/me/avatar", HttpStatusCode.Unauthorized, content: BadInputTestsImage());
        foreach (var job in new[] { picture, export })
        {
            await ExpectAsync(nobody, HttpMethod.Get, $"/api/jobs/{job}", HttpStatusCode.Unauthorized);
            await ExpectAsync(bob, HttpMethod.Get, $"/api/jobs/{job}", HttpStatusCode.NotFound);
            await ExpectAsync(alice, HttpMethod.Get, $"/api/jobs/{job}", HttpStatusCode.OK);
        }

        // Exports: the list and the file are the owner's alone.
        await ExpectAsync(nobody, HttpMethod.Post, "/api/me/exports", HttpStatusCode.Unauthorized);
        await ExpectAsync(nobody, HttpMethod.Get, "/api/me/exports", HttpStatusCode.Unauthorized);
        await ExpectAsync(bob, HttpMethod.Get, "/api/me/exports", HttpStatusCode.OK, body => !body.Contains(export.ToString(), StringComparison.Ordinal));
        await ExpectAsync(alice, HttpMethod.Get, "/api/me/exports", HttpStatusCode.OK, body => body.Contains(export.ToString(), StringComparison.Ordinal));
        await ExpectAsync(nobody, HttpMethod.Get, $"/api/exports/{export}/download", HttpStatusCode.Unauthorized);
        await ExpectAsync(bob, HttpMethod.Get, $"/api/exports/{export}/download", HttpStatusCode.NotFound);
        await ExpectAsync(alice, HttpMethod.Get, $"/api/exports/{export}/download", HttpStatusCode.OK);

        // Posts, likes, follows and the reads that need a user.
        await ExpectAsync(nobody, HttpMethod.Post, "/api/posts", HttpStatusCode.Unauthorized, json: new { text = "by nobody" });
        await ExpectAsync(nobody, HttpMethod.Delete, $"/api/posts/{post.Id}", HttpStatusCode.Unauthorized);
        await ExpectAsync(bob, HttpMethod.Delete, $"/api/posts/{post.Id}", HttpStatusCode.Forbidden);
        await ExpectAsync(alice, HttpMethod.Put, $"/api/posts/{post.Id}/like", HttpStatusCode.OK);
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete })
        {
            await ExpectAsync(nobody, method, $"/api/posts/{post.Id}/like", HttpStatusCode.Unauthorized);
            await ExpectAsync(bob, method, $"/api/posts/{post.Id}/like", HttpStatusCode.OK); // Bob's own like, not Alice's
            await ExpectAsync(nobody, method, $"/api/users/{bob.Handle}/follow", HttpStatusCode.Unauthorized);
            await ExpectAsync(alice, method, $"/api/users/{bob.Handle}/follow", HttpStatusCode.OK);
        }

        await ExpectAsync(alice, HttpMethod.Put, $"/api/users/{alice.Handle}/follow", HttpStatusCode.BadRequest);
        await ExpectAsync(nobody, HttpMethod.Get, $"/api/posts/{post.Id}", HttpStatusCode.OK, body => body.Contains("\"likeCount\":1", StringComparison.Ordinal));
        foreach (var path in new[] { "/api/timeline", "/api/suggestions" })
        {
            await ExpectAsync(nobody, HttpMethod.Get, path, HttpStatusCode.Unauthorized);
            await ExpectAsync(alice, HttpMethod.Get, path, HttpStatusCode.OK);
        }

        // Pages: nobody is sent to sign in, someone else sees only their own, the owner gets through.
        foreach (var page in new[] { "/settings", "/exports", "/suggestions" })
        {
            await ExpectAsync(nobody, HttpMethod.Get, page, HttpStatusCode.Redirect, location: "/signin");
        }

        await ExpectAsync(bob, HttpMethod.Get, "/settings", HttpStatusCode.OK, body => !body.Contains("Alice&#x27;s own bio", StringComparison.Ordinal));
        await ExpectAsync(alice, HttpMethod.Get, "/settings", HttpStatusCode.OK, body => body.Contains("Alice&#x27;s own bio", StringComparison.Ordinal));
        await ExpectAsync(bob, HttpMethod.Get, "/exports", HttpStatusCode.OK, body => !body.Contains(export.ToString(), StringComparison.Ordinal));
        await ExpectAsync(alice, HttpMethod.Get, "/exports", HttpStatusCode.OK, body => body.Contains(export.ToString(), StringComparison.Ordinal));
        (string Path, string Fields, string Then)[] forms =
        [
            ("/settings?handler=Profile", "displayName=Alice&bio=Alice%27s+own+bio", "/settings"), ("/settings?handler=Password", "currentPassword=x&newPassword=y", ""),
            ("/settings?handler=Avatar", "", ""), ("/settings?handler=Everywhere", "", ""), ("/exports", "", "/exports"), ("/?handler=Post", "text=hello", "/"),
            ($"/posts/{post.Id}?handler=Like", "like=true", $"/posts/{post.Id}"), ($"/users/{bob.Handle}?handler=Follow", "follow=true", $"/users/{bob.Handle}"),
            ($"/posts/{post.Id}?handler=Delete", "", $"/users/{alice.Handle}"),
        ];
        foreach (var (path, fields, then) in forms)
        {
            await ExpectAsync(nobody, HttpMethod.Post, path, HttpStatusCode.Redirect, location: "/signin", content: Form(fields, tokens[nobody]));
            if (path.Contains("Delete", StringComparison.Ordinal))
            {
                await ExpectAsync(bob, HttpMethod.Post, path, HttpStatusCode.Forbidden, content: Form(fields, tokens[bob]));
            }

            if (then.Length > 0)
            {
                await ExpectAsync(alice, HttpMethod.Post, path, HttpStatusCode.Redirect, location: then, content: Form(fields, tokens[alice]));
            }
        }

        // Sessions and the password: the owner's alone, and last, since they end sessions.
        await ExpectAsync(nobody, HttpMethod.Put, "/api/me/password", HttpStatusCode.Unauthorized, json: new { currentPassword = SecurityPeople.Password, newPassword = NewPassword });
        await ExpectAsync(alice, HttpMethod.Put, "/api/me/password", HttpStatusCode.NoContent, json: new { currentPassword = SecurityPeople.Password, newPassword = NewPassword });
        await alice.RefreshCsrfAsync(); // the change signed this browser in anew
        using var again = new UserSession(crumbs, alice.Handle, NewPassword);
        foreach (var path in new[] { "/api/sessions/current", "/api/sessions" })
        {
            await ExpectAsync(nobody, HttpMethod.Delete, path, HttpStatusCode.Unauthorized);
            await ExpectAsync(alice, HttpMethod.Delete, path, HttpStatusCode.NoContent);
            await ExpectAsync(alice, HttpMethod.Get, "/api/me", HttpStatusCode.Unauthorized);
            if (path.EndsWith("current", StringComparison.Ordinal))
            {
                await again.SignInAsync(); // the new password signs in; this session is signed out everywhere next
                alice = again;
            }
        }

        Assert.True(_wrong.Count == 0, $"{_wrong.Count} cells of the authorization matrix answered wrongly:\n{string.Join('\n', _wrong)}");
    }

    private async Task ExpectAsync(UserSession who, HttpMethod method, string path, HttpStatusCode expected, Func<string, bool>? check = null,
        object? json = null, HttpContent? content = null, string? location = null)
    {
        using var response = await who.SendAsync(method, path, json, content: content);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var cell = $"{method} {path} as {(who.Handle == "nobody" ? "nobody" : who.Handle)}";
        if (response.StatusCode != expected)
        {
            _wrong.Add($"{cell}: {(int)response.StatusCode} {response.Headers.Location}, not {(int)expected}");
        }
        else if (location is not null && response.Headers.Location is var to
                 && (to is null || !(to.IsAbsoluteUri ? to.PathAndQuery : to.OriginalString).StartsWith(location, StringComparison.Ordinal)))
        {
            _wrong.Add($"{cell}: sent to {response.Headers.Location}, not {location}");
        }
        else if (check is not null && !check(body))
        {
            _wrong.Add($"{cell}: {(int)response.StatusCode} with a body showing someone else's data, or missing the owner's");
        }
    }

    private static async Task<Guid> StartJobAsync(UserSession owner, HttpMethod method, string path, HttpContent? content)
    {
        using var response = await owner.SendAsync(method, path, content: content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JobAcceptedDto>(TestContext.Current.CancellationToken))!.JobId;
    }

    private static ByteArrayContent BadInputTestsImage() => Accounts.BadInputTests.Image(TestImages.Png(16, 16), "image/png");

    private static FormUrlEncodedContent Form(string fields, string token) =>
        new(fields.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(p[0], Uri.UnescapeDataString(p[1].Replace('+', ' '))))
            .Append(new("__RequestVerificationToken", token)));
}
