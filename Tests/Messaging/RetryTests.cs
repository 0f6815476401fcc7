using Crumbs.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crumbs.Tests.Messaging;

/// <summary>Failing messages: retried with growing delays, then parked with their reason, then replayed.</summary>
public sealed class RetryTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_then_parked_and_replays_once_the_cause_is_gone()
    {
        using var probes = new Probes(crumbs);
        // Fails its first try and every retry; the replay is its first try after that, and succeeds.
        var poison = await probes.SendAsync(failTimes: 1 + CrumbsApp.MaxRetries);
        var normal = await probes.SendAsync();

        // The queue keeps flowing while the poison message waits in its delay queues.
        var handled = await probes.WaitAsync(normal.Id, r => r.Handled == 1, TimeSpan.FromSeconds(30), "the normal probe");
        Assert.Equal(1, handled.Attempts);

        var parked = await Eventually.GetAsync(async () =>
            (await probes.DeadLettersAsync()).FirstOrDefault(p => p.MessageId == poison.Id.ToString()),
            TimeSpan.FromSeconds(60), "the poison probe in the dead-letter queue");
        Assert.Equal(CrumbsApp.MaxRetries, parked.Retries);
        Assert.Equal("Crumbs.Worker.Probes.ProbeFailureException", parked.ErrorType);
        Assert.Contains($"this was attempt {1 + CrumbsApp.MaxRetries}", parked.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await probes.ReadAsync(poison.Id)); // never applied

        // What an operator does in the dashboard: the worker resource's "Replay dead letters" command.
        var worker = crumbs.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "worker");
        var replay = await crumbs.App.ResourceCommands.ExecuteCommandAsync(worker, "replay-dead-letters", TestContext.Current.CancellationToken);
        Assert.True(replay.Success, replay.Message);
        var replayed = await probes.WaitAsync(poison.Id, r => r.Handled == 1, TimeSpan.FromSeconds(30), "the replayed probe");

        Assert.Equal(2 + CrumbsApp.MaxRetries, replayed.Attempts); // first try, every retry, and the replay
        Assert.Equal(1, replayed.AppliedCount);
        Assert.DoesNotContain(await probes.DeadLettersAsync(), p => p.MessageId == poison.Id.ToString());
    }

    [Fact]
    public async Task A_message_that_fails_a_few_times_succeeds_on_a_retry()
    {
        using var probes = new Probes(crumbs);
        var flaky = await probes.SendAsync(failTimes: 2);

        var handled = await probes.WaitAsync(flaky.Id, r => r.Handled == 1, TimeSpan.FromSeconds(30), "the flaky probe");
        Assert.Equal(3, handled.Attempts);
        Assert.Equal(1, handled.AppliedCount);
        Assert.Equal(flaky.TraceId, handled.TraceId); // retries stay in the request's trace
    }

    [Fact]
    public async Task A_message_that_cannot_be_read_is_parked_at_once_with_the_reason()
    {
        using var probes = new Probes(crumbs);
        var id = Guid.NewGuid();
        await probes.PublishRawAsync(id, "not json"u8.ToArray());

        var parked = await Eventually.GetAsync(async () =>
            (await probes.DeadLettersAsync()).FirstOrDefault(p => p.MessageId == id.ToString()),
            TimeSpan.FromSeconds(30), "the unreadable message in the dead-letter queue");
        Assert.Equal(0, parked.Retries);
        Assert.Equal("System.Text.Json.JsonException", parked.ErrorType);
    }
}
