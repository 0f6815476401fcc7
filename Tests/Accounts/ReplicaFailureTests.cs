using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>Clones come and go; sessions stay, because no clone holds them.</summary>
public sealed class ReplicaFailureTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task When_a_web_replica_stops_the_signed_in_user_is_served_by_the_others()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var stopped = crumbs.Replicas.Of("web")[0];
        await crumbs.StopReplicaAsync(stopped.Name);
        try
        {
            var servedBy = new HashSet<string>();
            for (var i = 0; i < 12; i++)
            {
                using var me = await alice.SendAsync(HttpMethod.Get, "/api/me");
                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
                servedBy.Add(ServedBy.Of(me));
            }

            Assert.DoesNotContain(stopped.Name, servedBy);
            using var update = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "Still here", bio = "" });
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }
        finally
        {
            await crumbs.StartReplicaAsync(stopped.Name);
        }
    }

    [Fact]
    public async Task After_every_web_replica_restarts_existing_sessions_and_tokens_still_work()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var before = crumbs.Replicas.Of("web");

        // Every process goes at once, so nothing any of them held in memory survives; then new ones start.
        foreach (var replica in before)
        {
            await crumbs.StopReplicaAsync(replica.Name);
        }

        foreach (var replica in before)
        {
            await crumbs.StartReplicaAsync(replica.Name);
        }

        var after = crumbs.Replicas.Of("web");
        Assert.Equal(before.Count, after.Count);
        Assert.All(after, replica => Assert.DoesNotContain(before, b => b.ProcessId == replica.ProcessId)); // new processes

        foreach (var replica in after)
        {
            using var me = await alice.SendAsync(HttpMethod.Get, "/api/me", replica: replica.Address);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // The antiforgery token minted before the restart is still accepted: the key ring lives in Redis.
        using var update = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "After restart", bio = "" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
    }
}
