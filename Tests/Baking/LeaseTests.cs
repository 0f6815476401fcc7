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

        var since = await _db.ScalarAsync<DateTime>("select clock_timestamp()");
        for (var round = 0; round < 3; round++)   // each round asks both replicas at once; the rounds make several bakes
        {
            var runs = await Task.WhenAll(workers.Select(w => Bakes.NowAtAsync(crumbs, w.Address!)));
            Assert.All(runs, run => Assert.Contains(run.Owner, workers.Select(w => w.Name)));
        }

        var all = (await Bakes.RunsAsync(_db)).Where(r => r.StartedAt >= since).ToList();   // this test's bakes only
        Assert.True(all.Count >= 3, $"expected a bake a round since the test began, found {all.Count}");
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

    [Fact]
    public async Task A_holder_paused_mid_bake_past_its_lease_commits_nothing_when_it_resumes()
    {
        var holder = await Eventually.GetAsync(() => _db.ScalarAsync<string?>(
            "select owner from leases where name = 'bake' and expires_at > now()"), TimeSpan.FromSeconds(30), "a replica to hold the lease");
        var worker = crumbs.Replicas.Of("worker").Single(w => w.Name == holder);

        // Hold the bake up where it writes suggestions: it is then inside its transaction, mid-bake.
        await using var blocker = await crumbs.OpenDatabaseAsync();
        await using var block = await blocker.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var lockTable = new Npgsql.NpgsqlCommand("lock table suggestions in access exclusive mode", blocker, block))
        {
            await lockTable.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var since = await _db.ScalarAsync<DateTime>("select clock_timestamp()");
        var asked = Bakes.NowAtAsync(crumbs, worker.Address!);   // the holder bakes at its next tick, and waits on the lock
        var paused = false;
        try
        {
            await Eventually.GetAsync(() => _db.ScalarAsync<long>(
                "select count(*) from pg_locks where not granted and relation = 'suggestions'::regclass").ContinueWith(t => t.Result > 0 ? "waiting" : null,
                TaskScheduler.Default), TimeSpan.FromSeconds(30), "the holder's bake to wait on the suggestions table");
            await SignalAsync(worker.ProcessId, "STOP");
            paused = true;

            var successor = await Eventually.GetAsync(() => _db.ScalarAsync<string?>(
                "select owner from leases where name = 'bake' and owner <> @holder and expires_at > now()", ("holder", holder)),
                CrumbsApp.BakingLeaseTime + TimeSpan.FromSeconds(30), "another replica to take the expired lease");

            await block.RollbackAsync(TestContext.Current.CancellationToken);   // the paused bake may go on, server-side
            await SignalAsync(worker.ProcessId, "CONT");
            paused = false;

            // The successor bakes (now or at its next asked-for tick), and the resumed holder's bake is fenced off.
            await Bakes.NowAtAsync(crumbs, crumbs.Replicas.Of("worker").Single(w => w.Name == successor).Address!);
            var runs = (await Bakes.RunsAsync(_db)).Where(r => r.StartedAt >= since).ToList();
            Assert.DoesNotContain(runs, r => r.Owner == holder);
            Assert.Contains(runs, r => r.Owner == successor);
            foreach (var (earlier, later) in runs.Zip(runs.Skip(1)))
            {
                Assert.True(later.StartedAt >= earlier.EndedAt, $"{later.Owner}'s bake overlapped {earlier.Owner}'s");
            }
        }
        finally
        {
            if (paused)
            {
                await SignalAsync(worker.ProcessId, "CONT");
            }

            try
            {
                await asked;   // answered by the holder once it resumed, or timed out: either way not awaited in vain
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
            {
                // The fenced holder does not report a bake; that is the point.
            }
        }
    }

    private static async Task SignalAsync(int root, string signal)
    {
        foreach (var pid in ProcessTree.Of(root))
        {
            using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
    }
}
