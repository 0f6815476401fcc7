using System.Diagnostics;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Messaging;

/// <summary>A measurement, not a test: run it with `-- --explicit only --filter-class "*RelayThroughput"`.</summary>
[Collection(typeof(BrokerOutage))]
public sealed class RelayThroughput(CrumbsApp crumbs)
{
    private const int Messages = 5000;

    [Fact(Explicit = true)]
    public async Task Measure_how_fast_the_relay_publishes_and_the_workers_apply_a_backlog()
    {
        using var probes = new Probes(crumbs);
        var batch = Guid.NewGuid().ToString("N");
        await probes.QueryAsync<int?>(
            """
            insert into outbox (message_id, queue, kind, payload)
            select id, 'crumbs.probes', 'ProbeSent', jsonb_build_object('Id', id, 'SentBy', @batch, 'FailTimes', 0)
            from (select gen_random_uuid() as id from generate_series(1, @n)) ids
            """, ("batch", batch), ("n", Messages));
        var clock = Stopwatch.StartNew();

        const string pending = "select count(*) from outbox where sent_at is null and payload->>'SentBy' = @batch";
        await Eventually.GetAsync(async () => await probes.QueryAsync<long>(pending, ("batch", batch)) == 0 ? "sent" : null,
            TimeSpan.FromMinutes(5), "the relay to publish the backlog");
        var published = clock.Elapsed;

        const string applied = "select count(*) from probe where sent_by = @batch";
        await Eventually.GetAsync(async () => await probes.QueryAsync<long>(applied, ("batch", batch)) == Messages ? "applied" : null,
            TimeSpan.FromMinutes(5), "the workers to apply the backlog");
        var handled = clock.Elapsed;

        TestContext.Current.TestOutputHelper!.WriteLine(
            $"{Messages} messages: published in {published.TotalSeconds:0.0} s ({Messages / published.TotalSeconds:0}/s), " +
            $"applied in {handled.TotalSeconds:0.0} s ({Messages / handled.TotalSeconds:0}/s)");
    }
}
