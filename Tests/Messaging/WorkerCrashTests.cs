using System.Globalization;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Messaging;

/// <summary>Runs alone: it kills a worker replica.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class WorkerCrash;

/// <summary>
/// A worker dies (SIGKILL, no goodbye) while it provably holds work: it has handled part of a backlog, and messages
/// it had taken but not acknowledged come back to the other worker. Nothing is lost, and nothing is applied twice,
/// measured where a second application would show: the probe handler's count of applications.
/// </summary>
[Collection(typeof(WorkerCrash))]
public sealed class WorkerCrashTests(CrumbsApp crumbs)
{
    private const int Backlog = 3000;

    [Fact]
    public async Task A_worker_killed_mid_backlog_redelivers_what_it_held_and_every_message_is_applied_exactly_once()
    {
        var readers = new List<UserSession>();
        var authors = new List<UserSession>();
        for (var i = 0; i < CrumbsApp.CelebrityThreshold; i++)            // as many followers as still get a fan-out
        {
            readers.Add(await UserSession.SignUpAsync(crumbs));
        }

        for (var i = 0; i < 10; i++)
        {
            authors.Add(await UserSession.SignUpAsync(crumbs));
            foreach (var reader in readers)
            {
                await reader.FollowAsync(authors[i].Handle);
            }
        }

        using var probes = new Probes(crumbs);
        var batch = Guid.NewGuid().ToString("N");
        var victim = crumbs.Replicas.Of("worker")[0];
        var posts = new List<long>();
        try
        {
            // A backlog first: thousands of probes in the outbox, and posts to fan out among them.
            await probes.QueryAsync<int?>(
                """
                insert into outbox (message_id, queue, kind, payload)
                select id, 'crumbs.probes', 'ProbeSent', jsonb_build_object('Id', id, 'SentBy', @batch, 'FailTimes', 0)
                from (select gen_random_uuid() as id from generate_series(1, @n)) ids
                """, ("batch", batch), ("n", Backlog));
            for (var round = 0; round < 5; round++)
            {
                posts.AddRange(await Task.WhenAll(authors.Select(async a => (await a.PostAsync($"round {round}")).Id)));
            }

            // Mid-work: the victim has applied some of the backlog, and most of it is still to come.
            var counts = await Eventually.GetAsync(async () =>
            {
                var mine = await probes.QueryAsync<long>("select count(*) from probe where sent_by = @batch and handled_by = @victim",
                    ("batch", batch), ("victim", victim.Name));
                var total = await probes.QueryAsync<long>("select count(*) from probe where sent_by = @batch", ("batch", batch));
                return mine >= 20 ? new[] { mine, total } : null;
            }, TimeSpan.FromSeconds(60), "the victim to be working through the backlog");
            var (byVictim, all) = (counts[0], counts[1]);
            Assert.True(all < Backlog - 500, $"the backlog was nearly done ({all} of {Backlog}) when the victim was killed");
            await crumbs.StopReplicaAsync(victim.Name, "KILL");

            await Eventually.GetAsync(async () =>
                await probes.QueryAsync<long>("select count(*) from probe where sent_by = @batch", ("batch", batch)) == Backlog ? "all" : null,
                TimeSpan.FromSeconds(120), "every probe of the backlog to be applied");

            // Applied once: the handler bumps handled_count on a second application of the same message.
            Assert.Equal(0L, await probes.QueryAsync<long>("select count(*) from probe where sent_by = @batch and handled_count <> 1", ("batch", batch)));
            // Redelivered: messages the victim held unacknowledged were delivered again (each delivery counts an attempt).
            var ids = await probes.QueryAsync<string>("select string_agg(id::text, ',') from probe where sent_by = @batch", ("batch", batch));
            var redelivered = await RedeliveredAsync(ids.Split(',').Select(Guid.Parse));
            Assert.True(redelivered >= 1, $"no probe was delivered twice: the victim ({byVictim} applied) held nothing when it died");

            // Every (reader, post) pair is in the database, and no reader sees a post twice.
            await using var db = await crumbs.OpenDatabaseAsync();
            var readerIds = new List<long>();
            foreach (var reader in readers)
            {
                readerIds.Add(await new Database(crumbs).UserIdAsync(reader.Handle));
            }

            await Eventually.GetAsync(async () =>
            {
                await using var missing = new Npgsql.NpgsqlCommand(
                    """
                    select count(*) from unnest(@readers) r(id) cross join unnest(@posts) p(id)
                    where not exists (select 1 from timeline_entries e where e.user_id = r.id and e.post_id = p.id)
                    """, db);
                missing.Parameters.AddWithValue("readers", readerIds.ToArray());
                missing.Parameters.AddWithValue("posts", posts.ToArray());
                return (long)(await missing.ExecuteScalarAsync(TestContext.Current.CancellationToken))! == 0 ? "complete" : null;
            }, TimeSpan.FromSeconds(90), "every post in every follower's timeline");
            foreach (var reader in readers)
            {
                var timeline = await reader.TimelineAsync(limit: 100);
                Assert.Equal(posts.Order().Reverse(), timeline.Items.Select(p => p.Id));   // all 50, newest first, none twice
            }
        }
        finally
        {
            await crumbs.StartReplicaAsync(victim.Name);
            readers.Concat(authors).ToList().ForEach(s => s.Dispose());
        }
    }

    /// <summary>How many of the probes were delivered more than once (the handler counts deliveries in Redis).</summary>
    private async Task<long> RedeliveredAsync(IEnumerable<Guid> ids)
    {
        const string script = """
            local n = 0
            for _, key in ipairs(KEYS) do
              if tonumber(redis.call('HGET', key, 'attempts') or '0') > 1 then n = n + 1 end
            end
            return n
            """;
        var keys = ids.Select(id => $"probe:{id:N}:deliveries").ToArray();
        var reply = await RedisCommands.SendAsync(crumbs, [.. new[] { "EVAL", script, keys.Length.ToString(CultureInfo.InvariantCulture) }, .. keys]);
        return long.Parse(reply.TrimStart(':'), CultureInfo.InvariantCulture);
    }
}
