using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>Pictures live in Postgres and are served by any clone, immutable under their URL.</summary>
public sealed class AvatarTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task An_uploaded_avatar_is_served_by_every_replica_with_a_strong_etag_and_immutable_caching()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var url = await UploadAsync(alice, TestImages.Png(200, 200));
        Assert.StartsWith("/media/", url, StringComparison.Ordinal);
        await ProfileShowsAsync(alice, url);

        byte[]? first = null;
        foreach (var replica in crumbs.Replicas.Of("web"))
        {
            using var picture = await alice.SendAsync(HttpMethod.Get, url, replica: replica.Address);
            Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
            var bytes = await picture.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            Assert.Equal(first ??= bytes, bytes);
            Assert.Equal("image/webp", picture.Content.Headers.ContentType?.MediaType);
            Assert.False(picture.Headers.ETag!.IsWeak);
            Assert.Contains("immutable", picture.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromDays(365), picture.Headers.CacheControl.MaxAge);

            var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri(replica.Address!, url));
            conditional.Headers.IfNoneMatch.Add(picture.Headers.ETag);
            using var client = new HttpClient();
            using var notModified = await client.SendAsync(conditional, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        var second = await UploadAsync(alice, TestImages.Png(200, 200, seed: 2));
        Assert.NotEqual(url, second); // a new picture gets a new URL
        await ProfileShowsAsync(alice, second);
    }

    /// <summary>
    /// The job ends in the switch's transaction; the worker clears the cached profile right after that commit, so a
    /// client polling the job can be a few milliseconds ahead of the cache (the backplane's bound).
    /// </summary>
    private static Task<string> ProfileShowsAsync(UserSession user, string url) =>
        Eventually.GetAsync(async () => (await user.GetAsync<ProfileDto>("/api/me")).AvatarUrl == url ? url : null,
            TimeSpan.FromSeconds(10), $"the profile to show {url}");

    [Fact]
    public async Task An_unknown_picture_is_404()
    {
        using var anonymous = new UserSession(crumbs, "x", "x");
        using var response = await anonymous.SendAsync(HttpMethod.Get, $"/media/{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>Uploads a picture, waits for the worker to process it, and returns its 192 px URL.</summary>
    public static async Task<string> UploadAsync(UserSession user, byte[] png)
    {
        using var upload = await user.SendAsync(HttpMethod.Put, "/api/me/avatar", content: BadInputTests.Image(png, "image/png"));
        var job = await JobWaits.WaitUntilEndedAsync(user, (await JobWaits.AssertAcceptedAsync(upload)).StatusUrl);
        Assert.Equal("done", job.State);
        return job.ResultUrl!;
    }
}
