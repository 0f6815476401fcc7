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
        Assert.Equal(2, await probes.QueryAsync<int>("select attempts from outbox where message_id = @id", sent.Id));
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
}
