using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Messaging;

/// <summary>Runs alone: it kills a worker replica.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class WorkerCrash;

/// <summary>A worker dies mid-fan-out (SIGKILL, no goodbye): the other finishes, and every timeline gets every post once.</summary>
[Collection(typeof(WorkerCrash))]
public sealed class WorkerCrashTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_worker_killed_while_fanning_out_many_posts_leaves_every_post_in_every_followers_timeline_once()
    {
        var readers = new List<UserSession>();
        var authors = new List<UserSession>();
        for (var i = 0; i < CrumbsApp.CelebrityThreshold; i++)            // as many followers as still get a fan-out
        {
            readers.Add(await UserSession.SignUpAsync(crumbs));
        }

        for (var i = 0; i < 20; i++)
        {
            authors.Add(await UserSession.SignUpAsync(crumbs));
            foreach (var reader in readers)
            {
                await reader.FollowAsync(authors[i].Handle);
            }
        }

        var victim = crumbs.Replicas.Of("worker")[0];
        var posts = new List<long>();
        try
        {
            for (var round = 0; round < 10; round++)
            {
                posts.AddRange(await Task.WhenAll(authors.Select(async a => (await a.PostAsync($"round {round}")).Id)));
                if (round == 2)
                {
                    await crumbs.StopReplicaAsync(victim.Name, "KILL");     // mid-stream, with messages in its hands
                }
            }

            await using var db = await crumbs.OpenDatabaseAsync();
            await Eventually.GetAsync(async () =>
            {
                await using var count = new Npgsql.NpgsqlCommand(
                    "select count(*) from timeline_entries where post_id = any(@posts)", db);
                count.Parameters.AddWithValue("posts", posts.ToArray());
                var entries = (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
                return entries == posts.Count * (readers.Count + 1L) ? "complete" : null;   // followers + the author
            }, TimeSpan.FromSeconds(90), "every post in every follower's timeline");

            foreach (var reader in readers)
            {
                var timeline = await reader.TimelineAsync(limit: 100);
                Assert.Equal(timeline.Items.Select(p => p.Id).Distinct().Count(), timeline.Items.Count);   // none twice
                Assert.Equal(posts.Order().TakeLast(100).Reverse(), timeline.Items.Select(p => p.Id));
            }
        }
        finally
        {
            await crumbs.StartReplicaAsync(victim.Name);
            readers.Concat(authors).ToList().ForEach(s => s.Dispose());
        }
    }
}
