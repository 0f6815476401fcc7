using System.Net;
using System.Text;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Jobs;

/// <summary>A new picture is processed by a worker after the upload's 202; the old one stays until it is ready.</summary>
public sealed class AvatarJobTests(CrumbsApp crumbs)
{
    private readonly Database _db = new(crumbs);

    [Fact]
    public async Task A_picture_becomes_two_square_thumbnails_and_the_profile_and_old_posts_switch_to_them()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var aliceId = await _db.UserIdAsync(alice.Handle);
        var oldPost = await _db.CreatePostAsync(aliceId, "written before the new picture");

        using var upload = await alice.SendAsync(HttpMethod.Put, "/api/me/avatar", content: BadInputTests.Image(TestImages.Png(300, 200), "image/png"));
        var accepted = await JobWaits.AssertAcceptedAsync(upload);
        var meMeanwhile = await alice.GetAsync<ProfileDto>("/api/me");
        var jobMeanwhile = await alice.GetAsync<JobDto>(accepted.StatusUrl);
        if (!jobMeanwhile.Ended)
        {
            // The job was still going after the profile was read, so the profile was read while it went.
            Assert.True(meMeanwhile.AvatarProcessing);
            Assert.Null(meMeanwhile.AvatarUrl);
        }

        var job = await JobWaits.WaitUntilEndedAsync(alice, accepted.StatusUrl);
        Assert.Equal(("avatar", "done", 100, null), (job.Kind, job.State, job.Progress, job.Reason));

        var me = await alice.GetAsync<ProfileDto>("/api/me");
        Assert.Equal(job.ResultUrl, me.AvatarUrl);
        Assert.False(me.AvatarProcessing);
        Assert.Equal(("webp", 192, 192), await PictureAsync(alice, me.AvatarUrl!));
        Assert.Equal(("webp", 48, 48), await PictureAsync(alice, me.AvatarSmallUrl!));

        // ProfileChanged went out with the switch: the author copy on the old post follows.
        await Eventually.GetAsync(async () =>
            await _db.ScalarAsync<string?>("select author_avatar_url from posts where id = @id", ("id", oldPost)) == me.AvatarUrl ? "updated" : null,
            TimeSpan.FromSeconds(60), "the old post's author picture to be updated");
        Assert.Equal(0L, await _db.ScalarAsync<long>("select count(*) from avatar_uploads where owner_id = @id", ("id", aliceId)));
    }

    [Fact]
    public async Task A_picture_that_does_not_decode_fails_its_job_with_a_reason_and_the_old_picture_stays()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var old = await AvatarTests.UploadAsync(alice, TestImages.Png(100, 100));
        var png = TestImages.Png(120, 120, seed: 3);

        using var upload = await alice.SendAsync(HttpMethod.Put, "/api/me/avatar", content: BadInputTests.Image(png[..(png.Length * 2 / 3)], "image/png"));
        var job = await JobWaits.WaitUntilEndedAsync(alice, (await JobWaits.AssertAcceptedAsync(upload)).StatusUrl);

        Assert.Equal("failed", job.State);
        Assert.Equal("The picture is damaged or incomplete.", job.Reason);
        Assert.Null(job.ResultUrl);
        var me = await alice.GetAsync<ProfileDto>("/api/me");
        Assert.Equal(old, me.AvatarUrl);
        Assert.False(me.AvatarProcessing);

        // The settings page tells why.
        using var page = await alice.SendAsync(HttpMethod.Get, "/settings");
        Assert.Contains("could not be used: The picture is damaged or incomplete.",
            WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_is_visible_to_its_owner_only()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        using var upload = await alice.SendAsync(HttpMethod.Put, "/api/me/avatar", content: BadInputTests.Image(TestImages.Png(50, 50), "image/png"));
        var accepted = await JobWaits.AssertAcceptedAsync(upload);

        using var others = await bob.SendAsync(HttpMethod.Get, accepted.StatusUrl);
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        using var stranger = new UserSession(crumbs, "x", "x");
        using var anonymous = await stranger.SendAsync(HttpMethod.Get, accepted.StatusUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var unknown = await alice.SendAsync(HttpMethod.Get, $"/api/jobs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(accepted.JobId, (await alice.GetAsync<JobDto>(accepted.StatusUrl)).Id);
    }

    /// <summary>The picture's format and size, read from its bytes; it must carry no metadata chunk.</summary>
    private static async Task<(string, int, int)> PictureAsync(UserSession user, string url)
    {
        using var response = await user.SendAsync(HttpMethod.Get, url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var text = Encoding.ASCII.GetString(bytes);
        Assert.DoesNotContain("EXIF", text, StringComparison.Ordinal);
        Assert.DoesNotContain("XMP ", text, StringComparison.Ordinal);
        return ImageSize.Of(bytes);
    }
}
