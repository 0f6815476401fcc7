using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Messaging;

/// <summary>
/// The web needs no broker: it writes the outbox in Postgres and the workers relay it. So a web replica that starts
/// while RabbitMQ is down comes up ready and takes posts, which reach the followers once the broker is back.
/// </summary>
[Collection(typeof(BrokerOutage))]
public sealed class BrokerDownStartTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_web_replica_starts_ready_and_takes_posts_while_the_broker_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        using var author = await UserSession.SignUpAsync(crumbs);
        using var follower = await UserSession.SignUpAsync(crumbs);
        await follower.FollowAsync(author.Handle);

        var restarted = crumbs.Replicas.Of("web")[0].Name;
        long postId;
        try
        {
            await crumbs.App.ResourceCommands.ExecuteCommandAsync("messaging", KnownResourceCommands.StopCommand, ct);
            await crumbs.App.ResourceNotifications.WaitForResourceAsync("messaging",
                [KnownResourceStates.Exited, KnownResourceStates.Finished], ct).WaitAsync(TimeSpan.FromSeconds(60), ct);

            // A new process, started while the broker is away: it must report ready on its own (/health 200).
            await crumbs.StopReplicaAsync(restarted);
            await crumbs.StartReplicaAsync(restarted);
            var replica = crumbs.Replicas.Of("web").Single(r => r.Name == restarted);
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using (var health = await probe.GetAsync(new Uri(replica.Address!, "/health"), ct))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            // The broker really is down meanwhile (a fault test proves its fault happened).
            var amqp = new Uri((await crumbs.App.GetConnectionStringAsync("messaging", ct))!);
            using (var tcp = new System.Net.Sockets.TcpClient())
            {
                await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => tcp.ConnectAsync(amqp.Host, amqp.Port, ct).AsTask());
            }

            using var created = await author.SendAsync(HttpMethod.Post, "/api/posts",
                new { text = "written on a web replica that started while the broker was down" }, replica.Address);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(restarted, ServedBy.Of(created));
            postId = (await created.Content.ReadFromJsonAsync<PostDto>(ct))!.Id;
        }
        finally
        {
            // Healthy again whatever happened, for whatever runs after this test.
            await crumbs.App.ResourceCommands.ExecuteCommandAsync("messaging", KnownResourceCommands.StartCommand, ct);
            await crumbs.App.ResourceNotifications.WaitForResourceHealthyAsync("messaging", ct).WaitAsync(TimeSpan.FromSeconds(90), ct);
            if (!crumbs.Replicas.Of("web").Any(r => r.Name == restarted))
            {
                await crumbs.StartReplicaAsync(restarted);
            }
        }

        // Once the broker is back, the workers relay the outbox and the post reaches the follower.
        await follower.TimelineEventuallyAsync(page => page.Items.Any(p => p.Id == postId), "the post written while the broker was down");
    }
}
