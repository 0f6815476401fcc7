using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Messaging;

/// <summary>The outbox and the idempotent consumer together: a message is applied exactly once.</summary>
public sealed class OutboxTests(CrumbsApp crumbs)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_published_twice_by_the_relay_is_applied_once()
    {
        using var probes = new Probes(crumbs);
        var sent = await probes.SendAsync();
        await probes.WaitAsync(sent.Id, r => r.Handled == 1, Within, "the first delivery to be handled");
        Assert.NotNull(await probes.QueryAsync<DateTime?>("select sent_at from outbox where message_id = @id", sent.Id));

        // As if the relay had crashed after the broker's confirm but before marking the row: it publishes it again.
        await probes.QueryAsync<int?>("update outbox set sent_at = null where message_id = @id returning 1", sent.Id);
        var twice = await probes.WaitAsync(sent.Id, r => r.Handled == 2, Within, "the duplicate to be handled");

        Assert.Equal(2, twice.Attempts);      // the worker did get it twice
        Assert.Equal(1, twice.AppliedCount);  // but wrote it once
        Assert.Equal(1L, await probes.QueryAsync<long>(
            "select count(*) from processed_message where message_id = @id", sent.Id));
        // The relay marks the row once the broker has confirmed, which can be after the worker has handled it.
        await Eventually.GetAsync(async () => await probes.QueryAsync<int>("select attempts from outbox where message_id = @id", sent.Id) == 2 ? "marked" : null,
            Within, "the relay to count its second publish");
    }

    [Fact]
    public async Task One_worker_relays_at_a_time_and_a_message_still_goes_out()
    {
        // The lead is a session advisory lock (Worker/Messaging/OutboxSignal.cs); both workers run, one holds it.
        using var probes = new Probes(crumbs);
        const string holders = """
            select count(*) from pg_locks
            where locktype = 'advisory' and classid = 20111 and objid = 1 and objsubid = 2 and granted
            """;
        await Eventually.GetAsync(async () => await probes.QueryAsync<long>(holders) == 1 ? "one" : null, Within, "one relay to lead");

        var sent = await probes.SendAsync();
        await probes.WaitAsync(sent.Id, r => r.Handled == 1, Within, "the probe to be relayed and handled");
        Assert.Equal(1L, await probes.QueryAsync<long>(holders));
    }

    [Fact]
    public async Task The_worker_handles_a_probe_in_the_trace_of_the_web_request_that_sent_it()
    {
        using var probes = new Probes(crumbs);
        var sent = await probes.SendAsync();
        var handled = await probes.WaitAsync(sent.Id, r => r.Handled == 1, Within, "the probe to be handled");

        Assert.Matches("^[0-9a-f]{32}$", sent.TraceId);
        Assert.Equal(sent.TraceId, handled.TraceId); // the worker's handling span's trace id, recorded by the handler
        Assert.StartsWith("worker-", handled.HandledBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_message_of_an_aggregate_waits_for_an_earlier_one_the_broker_refused_while_others_pass()
    {
        using var probes = new Probes(crumbs);
        var aggregate = $"tests:{Guid.NewGuid():N}";
        Guid first = Guid.NewGuid(), second = Guid.NewGuid(), unrelated = Guid.NewGuid();
        var firstRow = await probes.EnqueueAsync(first, "crumbs.nowhere", aggregate); // unroutable: returned by the broker
        var secondRow = await probes.EnqueueAsync(second, Probes.Queue, aggregate);
        await probes.EnqueueAsync(unrelated, Probes.Queue, aggregateKey: null);

        await probes.WaitAsync(unrelated, r => r.Handled == 1, Within, "the unrelated message, which nothing holds up");
        await Eventually.GetAsync(async () => await probes.QueryAsync<int>("select attempts from outbox where id = @id", ("id", firstRow)) >= 1 ? "tried" : null,
            Within, "the relay to try the refused row");
        Assert.Contains("PublishReturnException", await probes.QueryAsync<string>("select last_error from outbox where id = @id", ("id", firstRow)), StringComparison.Ordinal);
        Assert.Null(await probes.QueryAsync<DateTime?>("select sent_at from outbox where id = @id", ("id", secondRow)));
        Assert.Null(await probes.ReadAsync(second));

        // Once the cause is fixed the relay sends both, in their order.
        await probes.QueryAsync<int?>("update outbox set queue = @queue, retry_at = null where id = @id", ("queue", Probes.Queue), ("id", firstRow));
        await probes.WaitAsync(first, r => r.Handled == 1, Within, "the first message");
        await probes.WaitAsync(second, r => r.Handled == 1, Within, "the second message");
        Assert.True(await probes.QueryAsync<bool>(
            "select (select sent_at from outbox where id = @first) <= (select sent_at from outbox where id = @second)",
            ("first", firstRow), ("second", secondRow)));
    }
}
