using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Crumbs.Tests.Infrastructure;
using StackExchange.Redis;

namespace Crumbs.Tests.Live;

/// <summary>
/// A fan-out is written in one statement, and its live message follows it (Worker/Timelines/FanOutHandler.cs). When
/// the entries are there already (a try that stopped before the message, or a follow's backfill that ran after the
/// post committed: it happened in full runs, on another queue), the fan-out must still name the online readers, or
/// their open pages never hear of the post.
/// </summary>
public sealed class RedeliveredFanOutTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_retried_fan_out_whose_entries_are_written_already_still_tells_the_online_followers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var author = await UserSession.SignUpAsync(crumbs);
        using var follower = await UserSession.SignUpAsync(crumbs);
        await follower.FollowAsync(author.Handle);
        await using var page = LiveChannel.Connect(follower, crumbs.Replicas.Of("web")[0].Address!);
        var ready = LiveChannel.Ready(page);
        await page.StartAsync(ct);
        await ready.WaitAsync(TimeSpan.FromSeconds(30), ct);   // registered and online

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await crumbs.App.GetConnectionStringAsync("cache", ct))!);
        var messages = Channel.CreateUnbounded<string>();
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("crumbs:live:new-posts"));
        subscription.OnMessage(message => messages.Writer.TryWrite(message.Message.ToString()));
        var post = await author.PostAsync("told twice");
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{post.Id}:");
        await NextAboutAsync(messages, prefix);                  // the fan-out's own message

        // The same post again, as a retry of a try that had written the entries: a new message id, so nothing skips it.
        var authorId = await new Database(crumbs).UserIdAsync(author.Handle);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { PostId = post.Id, AuthorId = authorId, post.CreatedAt });
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri((await crumbs.App.GetConnectionStringAsync("messaging", ct))!) };
        await using (var connection = await factory.CreateConnectionAsync(ct))
        await using (var channel = await connection.CreateChannelAsync(
            new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct))
        {
            var properties = new RabbitMQ.Client.BasicProperties
            {
                MessageId = Guid.NewGuid().ToString(),
                Persistent = true,
                Headers = new Dictionary<string, object?> { ["x-retry-count"] = "1" },
            };
            await channel.BasicPublishAsync("", "crumbs.posts.created", mandatory: true, properties, body, ct);
        }

        var followerId = await new Database(crumbs).UserIdAsync(follower.Handle);
        var again = await NextAboutAsync(messages, prefix);
        Assert.Contains(followerId.ToString(CultureInfo.InvariantCulture), again.Split(':')[2].Split(','));
        await subscription.UnsubscribeAsync();
    }

    private static async Task<string> NextAboutAsync(Channel<string> messages, string prefix)
    {
        while (true)
        {
            var message = await messages.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask()
                .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            if (message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return message;
            }
        }
    }
}
