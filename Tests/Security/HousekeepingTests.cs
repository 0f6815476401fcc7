using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// Housekeeping deletes pictures that no profile and no post uses any more, and keeps every one in use. (The test
/// app keeps orphaned pictures for no time at all; the default is a day.)
/// </summary>
public sealed class HousekeepingTests(CrumbsApp crumbs)
{
    private readonly Database _db = new(crumbs);

    [Fact]
    public async Task A_replaced_picture_is_pruned_and_the_pictures_in_use_stay()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var aliceId = await _db.UserIdAsync(alice.Handle);
        await AvatarTests.UploadAsync(alice, TestImages.Png(100, 100, seed: 1));
        var first = await alice.GetAsync<ProfileDto>("/api/me");
        await AvatarTests.UploadAsync(alice, TestImages.Png(100, 100, seed: 2));
        var second = await alice.GetAsync<ProfileDto>("/api/me");
        Assert.Equal(4L, await _db.ScalarAsync<long>("select count(*) from media where owner_id = @id", ("id", aliceId)));

        using var worker = crumbs.CreateOperatorClient(crumbs.WorkerAddress);
        using var run = await worker.PostAsync("/admin/housekeeping", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        var pruned = await run.Content.ReadFromJsonAsync<Dictionary<string, int>>(TestContext.Current.CancellationToken);
        Assert.Contains("media", pruned!.Keys);   // (the workers' own schedule may have pruned them first)

        Assert.Equal(2L, await _db.ScalarAsync<long>("select count(*) from media where owner_id = @id", ("id", aliceId)));
        using var anyone = crumbs.CreateClient();
        foreach (var (url, status) in new[]
        {
            (first.AvatarUrl!, HttpStatusCode.NotFound), (first.AvatarSmallUrl!, HttpStatusCode.NotFound),
            (second.AvatarUrl!, HttpStatusCode.OK), (second.AvatarSmallUrl!, HttpStatusCode.OK),
        })
        {
            using var picture = await anyone.GetAsync(url, TestContext.Current.CancellationToken);
            Assert.Equal(status, picture.StatusCode);
        }
    }

    [Fact]
    public async Task Housekeeping_is_an_operator_endpoint()
    {
        using var anonymous = new HttpClient { BaseAddress = crumbs.WorkerAddress };
        using var refused = await anonymous.PostAsync("/admin/housekeeping", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
