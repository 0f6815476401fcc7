using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Baking;

/// <summary>One worker replica bakes at a time, and another takes over when it dies.</summary>
public sealed class LeaseTests(CrumbsApp crumbs)
{
    private readonly Database _db = new(crumbs);

    [Fact]
    public async Task Bakes_asked_of_both_replicas_at_once_never_overlap()
    {
        var workers = crumbs.Replicas.Of("worker");
        Assert.Equal(CrumbsApp.WorkerReplicas, workers.Count);

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => workers).Select(w => Bakes.NowAtAsync(crumbs, w.Address!)));
        Assert.All(runs, run => Assert.Contains(run.Owner, workers.Select(w => w.Name)));

        var all = await Bakes.RunsAsync(_db);
        Assert.True(all.Count >= 2, $"expected several bakes, found {all.Count}");
        foreach (var (earlier, later) in all.Zip(all.Skip(1)))
        {
            Assert.True(later.StartedAt >= earlier.EndedAt,
                $"{later.Owner}'s bake started at {later.StartedAt:O}, before {earlier.Owner}'s ended at {earlier.EndedAt:O}");
        }
    }

    [Fact]
    public async Task When_the_baking_replica_is_killed_another_takes_the_lease_once_it_expires()
    {
        var holder = await Eventually.GetAsync(() => _db.ScalarAsync<string?>(
            "select owner from leases where name = 'bake' and expires_at > now()"), TimeSpan.FromSeconds(30), "a replica to hold the lease");
        Assert.Contains(holder, crumbs.Replicas.Of("worker").Select(w => w.Name));

        var killedAt = await _db.ScalarAsync<DateTime>("select now()");
        await crumbs.StopReplicaAsync(holder, "KILL");
        try
        {
            var expiredAt = await _db.ScalarAsync<DateTime>("select expires_at from leases where name = 'bake'");
            var taken = await Eventually.GetAsync(async () =>
                (await _db.RowsAsync("select owner, now() from leases where name = 'bake' and owner <> @holder and expires_at > now()",
                    ("holder", holder))).FirstOrDefault(),
                CrumbsApp.BakingLeaseTime + TimeSpan.FromSeconds(30), "another replica to take the lease");
            var (successor, takenAt) = ((string)taken[0], (DateTime)taken[1]);

            Assert.True(takenAt >= expiredAt, "the lease was taken before it expired");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{successor} took the lease {(takenAt - killedAt).TotalSeconds:0.0} s after {holder} was killed (lease time {CrumbsApp.BakingLeaseTime.TotalSeconds} s)");
            var run = await Bakes.NowAtAsync(crumbs, crumbs.Replicas.Of("worker").Single(w => w.Name == successor).Address!);
            Assert.Equal(successor, run.Owner);
        }
        finally
        {
            await crumbs.StartReplicaAsync(holder);
        }
    }
}
