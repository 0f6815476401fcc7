using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Messaging;

/// <summary>
/// Runs alone (the suite runs one test at a time). It needs no place in the order: it restores the broker in `finally`
/// and waits until it is healthy, so the tests after it find the broker as the tests before it left it.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class BrokerOutage;

/// <summary>The outbox at work: the web keeps accepting while the broker is down, and nothing is lost or doubled.</summary>
[Collection(typeof(BrokerOutage))]
public sealed class BrokerOutageTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Probes_sent_while_the_broker_is_down_are_each_applied_once_after_it_comes_back()
    {
        var ct = TestContext.Current.CancellationToken;
        using var probes = new Probes(crumbs);
        var before = await probes.SendAsync();
        await probes.WaitAsync(before.Id, r => r.Handled == 1, TimeSpan.FromSeconds(30), "a probe before the outage");

        using var author = await UserSession.SignUpAsync(crumbs);
        var followers = new List<UserSession>();
        for (var i = 0; i < CrumbsApp.CelebrityThreshold; i++)
        {
            followers.Add(await UserSession.SignUpAsync(crumbs));
            await followers[i].FollowAsync(author.Handle);
        }

        var sent = new List<Probes.Sent>();
        var posts = new List<long>();
        try
        {
            await crumbs.App.ResourceCommands.ExecuteCommandAsync("messaging", KnownResourceCommands.StopCommand, ct);
            await crumbs.App.ResourceNotifications.WaitForResourceAsync("messaging",
                [KnownResourceStates.Exited, KnownResourceStates.Finished], ct).WaitAsync(TimeSpan.FromSeconds(60), ct);

            for (var i = 0; i < 10; i++)
            {
                var probe = await probes.SendAsync(); // only Postgres is needed to accept it
                sent.Add(probe);
                Assert.Null(await probes.ReadAsync(probe.Id));
                posts.Add((await author.PostAsync($"written while the broker is down {i}")).Id);   // accepted too
            }
        }
        finally
        {
            // Healthy again whatever happened, for whatever runs after this test.
            await crumbs.App.ResourceCommands.ExecuteCommandAsync("messaging", KnownResourceCommands.StartCommand, ct);
            await crumbs.App.ResourceNotifications.WaitForResourceHealthyAsync("messaging", ct).WaitAsync(TimeSpan.FromSeconds(90), ct);
        }

        // Neither the web nor the workers were restarted: the connections recover and the relay catches up.
        foreach (var probe in sent)
        {
            var handled = await probes.WaitAsync(probe.Id, r => r.Handled >= 1, TimeSpan.FromSeconds(90), $"probe {probe.Id} after the outage");
            Assert.Equal(1, handled.AppliedCount);
            Assert.Equal(1L, await probes.QueryAsync<long>("select count(*) from processed_message where message_id = @id", probe.Id));
        }

        // Every post written during the outage reaches every follower, once.
        foreach (var follower in followers)
        {
            var timeline = await follower.TimelineEventuallyAsync(p => posts.All(id => p.Items.Any(i => i.Id == id)), "the posts written during the outage");
            Assert.Equal(posts.Count, timeline.Items.Count(i => posts.Contains(i.Id)));
            follower.Dispose();
        }
    }
}
