using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Timelines;

/// <summary>
/// Every fan-out tells the clones which timelines changed (Domain/Caching/TimelineVersions.cs); only clones that keep
/// copies of timeline versions listen. A worker that listened parsed every follower id of every post for nothing.
/// </summary>
public sealed class TimelineVersionChannelTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Every_web_clone_that_reads_timelines_listens_for_version_bumps_and_no_worker_does()
    {
        using var reader = await UserSession.SignUpAsync(crumbs);
        var webs = crumbs.Replicas.Of("web");
        foreach (var web in webs)
        {
            using var page = await reader.SendAsync(HttpMethod.Get, "/api/timeline", replica: web.Address);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        // PUBSUB NUMSUB answers the channel and its count of subscribed connections (one per process that listens).
        await Eventually.GetAsync(async () =>
        {
            var reply = (await RedisCommands.SendAsync(crumbs, "PUBSUB", "NUMSUB", "crumbs:local:timeline-versions")).Split('\n');
            return reply[^1].Trim() == $":{webs.Count}" ? "webs only" : null;
        }, TimeSpan.FromSeconds(10), $"exactly the {webs.Count} web clones to listen on the timeline-version channel");
    }
}
