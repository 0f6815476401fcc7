using System.Net;
using System.Text.Json;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Jobs;

/// <summary>A data export is written by a worker and downloaded later by its owner, and nobody else.</summary>
public sealed class ExportTests(CrumbsApp crumbs)
{
    private readonly Database _db = new(crumbs);

    [Fact]
    public async Task An_export_holds_exactly_the_users_profile_posts_follows_and_likes()
    {
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        using var bob = await UserSession.SignUpAsync(crumbs, "Bob");
        var carolHandle = $"c{Guid.NewGuid():N}"[..12];
        var carol = await _db.CreateUserAsync(carolHandle);
        var (aliceId, bobId) = (await _db.UserIdAsync(alice.Handle), await _db.UserIdAsync(bob.Handle));
        var alicePosts = new[] { await _db.CreatePostAsync(aliceId, "alice one"), await _db.CreatePostAsync(aliceId, "alice two") };
        var bobPost = await _db.CreatePostAsync(bobId, "bob's own post");
        var carolPost = await _db.CreatePostAsync(carol, "carol's post");
        await _db.FollowAsync(aliceId, bobId);
        await _db.FollowAsync(carol, aliceId);
        await _db.FollowAsync(bobId, carol);          // not alice's: absent
        await _db.LikeAsync(aliceId, bobPost);
        await _db.LikeAsync(bobId, carolPost);        // not alice's: absent

        using var start = await alice.SendAsync(HttpMethod.Post, "/api/me/exports");
        var job = await JobWaits.WaitUntilEndedAsync(alice, (await JobWaits.AssertAcceptedAsync(start)).StatusUrl);
        Assert.Equal(("export", "done", 100), (job.Kind, job.State, job.Progress));
        Assert.Equal($"/api/exports/{job.Id}/download", job.ResultUrl);

        using var download = await alice.SendAsync(HttpMethod.Get, job.ResultUrl!);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".json", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(await download.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var root = document.RootElement;

        Assert.Equal(alice.Handle, root.GetProperty("profile").GetProperty("handle").GetString());
        Assert.Equal(alicePosts, root.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        Assert.Equal([bob.Handle], Handles(root, "following"));
        Assert.Equal([carolHandle], Handles(root, "followers"));   // carol follows alice; bob follows carol, not alice
        Assert.Equal([bobPost], root.GetProperty("likes").EnumerateArray().Select(l => l.GetProperty("postId").GetInt64()));
        var text = root.GetRawText();
        Assert.DoesNotContain("carol's post", text, StringComparison.Ordinal);
        Assert.DoesNotContain(UserSession.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_user_gets_404_for_the_job_and_the_download_and_an_expired_export_is_410()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        using var start = await alice.SendAsync(HttpMethod.Post, "/api/me/exports");
        var job = await JobWaits.WaitUntilEndedAsync(alice, (await JobWaits.AssertAcceptedAsync(start)).StatusUrl);

        using var othersJob = await bob.SendAsync(HttpMethod.Get, $"/api/jobs/{job.Id}");
        Assert.Equal(HttpStatusCode.NotFound, othersJob.StatusCode);
        using var othersDownload = await bob.SendAsync(HttpMethod.Get, job.ResultUrl!);
        Assert.Equal(HttpStatusCode.NotFound, othersDownload.StatusCode);

        await _db.ScalarAsync<int>("update jobs set expires_at = now() - interval '1 minute' where id = @id returning 1", ("id", job.Id));
        using var expired = await alice.SendAsync(HttpMethod.Get, job.ResultUrl!);
        await BadInputTests.AssertProblemAsync(expired, HttpStatusCode.Gone);
    }

    [Fact]
    public async Task The_exports_page_starts_an_export_without_javascript_and_shows_its_download()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var token = await PageForms.AntiforgeryFieldAsync(alice, "/exports");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
        using var started = await alice.SendAsync(HttpMethod.Post, "/exports", content: form);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);

        var html = await Eventually.GetAsync(async () =>
        {
            using var page = await alice.SendAsync(HttpMethod.Get, "/exports");
            var body = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return body.Contains(">Download</a>", StringComparison.Ordinal) ? body : null;
        }, JobWaits.Within, "the exports page to offer the download");
        Assert.DoesNotContain("http-equiv=\"refresh\"", html, StringComparison.Ordinal); // nothing running any more
    }

    [Fact]
    public async Task A_large_export_is_zipped()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var aliceId = await _db.UserIdAsync(alice.Handle);
        await _db.ScalarAsync<int?>(
            """
            insert into posts (author_id, author_handle, author_display_name, text)
            select @id, @handle, 'Alice', repeat('crumb ', 45) || n from generate_series(1, 4000) n
            """, ("id", aliceId), ("handle", alice.Handle));   // about 1.3 MB of JSON

        using var start = await alice.SendAsync(HttpMethod.Post, "/api/me/exports");
        var job = await JobWaits.WaitUntilEndedAsync(alice, (await JobWaits.AssertAcceptedAsync(start)).StatusUrl);
        using var download = await alice.SendAsync(HttpMethod.Get, job.ResultUrl!);

        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".zip", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        await using var zip = new System.IO.Compression.ZipArchive(await download.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var entry = Assert.Single(zip.Entries);
        await using var json = entry.Open();
        using var document = await JsonDocument.ParseAsync(json, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4000, document.RootElement.GetProperty("posts").GetArrayLength());
    }

    private static string?[] Handles(JsonElement root, string list) =>
        root.GetProperty(list).EnumerateArray().Select(f => f.GetProperty("handle").GetString()).ToArray();
}
