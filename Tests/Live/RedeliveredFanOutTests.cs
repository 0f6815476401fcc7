using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Crumbs.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace Crumbs.Tests.Live;

/// <summary>
/// A fan-out is written in one statement, and its live message follows it (Worker/Timelines/FanOutHandler.cs). When
/// the entries are there already (a try that stopped before the message, or a follow's backfill that ran after the
/// post committed: it happened in full runs, on another queue; or one still writing when the fan-out reaches the same
/// row), the fan-out must still name the online readers, or their open pages never hear of the post.
/// </summary>
public sealed class RedeliveredFanOutTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_retried_fan_out_whose_entries_are_written_already_still_tells_the_online_followers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var online = await FollowerOnlineAsync(ct);
        var (author, follower, messages) = (online.Author, online.Follower, online.Messages);
        var post = await author.PostAsync("told twice");
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{post.Id}:");
        await NextAboutAsync(messages, prefix);                  // the fan-out's own message

        // The same post again, as a retry of a try that had written the entries: a new message id, so nothing skips it.
        var authorId = await new Database(crumbs).UserIdAsync(author.Handle);
        await PublishFanOutAsync(post, authorId, ct);

        var followerId = await new Database(crumbs).UserIdAsync(follower.Handle);
        var again = await NextAboutAsync(messages, prefix);
        Assert.Contains(followerId.ToString(CultureInfo.InvariantCulture), again.Split(':')[2].Split(','));
    }

    [Fact]
    public async Task A_fan_out_that_waits_on_a_backfill_writing_the_same_entry_still_names_that_follower()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var online = await FollowerOnlineAsync(ct);
        var (author, follower, messages) = (online.Author, online.Follower, online.Messages);
        var post = await author.PostAsync("written by a backfill meanwhile");
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{post.Id}:");
        await NextAboutAsync(messages, prefix);
        var (authorId, followerId) = (await new Database(crumbs).UserIdAsync(author.Handle), await new Database(crumbs).UserIdAsync(follower.Handle));

        // A backfill in flight: the follower's entry for the post, written and not yet committed, when the fan-out
        // (a retry here) reaches the same row. Its insert waits; once the backfill commits, the entry is not its own.
        await using var backfill = await crumbs.OpenDatabaseAsync();
        await Execute(backfill, "delete from timeline_entries where user_id = @follower and post_id = @post", followerId, post.Id);
        await using var transaction = await backfill.BeginTransactionAsync(ct);
        await Execute(backfill, "insert into timeline_entries (user_id, post_id, author_id) values (@follower, @post, @author)", followerId, post.Id, authorId);
        await PublishFanOutAsync(post, authorId, ct);
        await using var watch = await crumbs.OpenDatabaseAsync();
        await Eventually.GetAsync(async () =>
        {
            await using var waiting = new Npgsql.NpgsqlCommand(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%insert into timeline_entries%'", watch);
            return (long)(await waiting.ExecuteScalarAsync(ct))! > 0 ? "waiting" : null;
        }, TimeSpan.FromSeconds(30), "the fan-out to wait on the backfill's row");
        await transaction.CommitAsync(ct);

        var told = await NextAboutAsync(messages, prefix);
        Assert.Contains(followerId.ToString(CultureInfo.InvariantCulture), told.Split(':')[2].Split(','));
    }

    /// <summary>An author, a follower with a live page open (registered and online), and the live channel's messages.</summary>
    private async Task<Online> FollowerOnlineAsync(CancellationToken ct)
    {
        var author = await UserSession.SignUpAsync(crumbs);
        var follower = await UserSession.SignUpAsync(crumbs);
        await follower.FollowAsync(author.Handle);
        var page = LiveChannel.Connect(follower, crumbs.Replicas.Of("web")[0].Address!);
        var ready = LiveChannel.Ready(page);
        await page.StartAsync(ct);
        await ready.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var redis = await ConnectionMultiplexer.ConnectAsync((await crumbs.App.GetConnectionStringAsync("cache", ct))!);
        var messages = Channel.CreateUnbounded<string>();
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("crumbs:live:new-posts"));
        subscription.OnMessage(message => messages.Writer.TryWrite(message.Message.ToString()));
        return new Online(author, follower, page, redis, messages);
    }

    private sealed record Online(UserSession Author, UserSession Follower, HubConnection Page, ConnectionMultiplexer Redis,
        Channel<string> Messages) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Redis.DisposeAsync();
            await Page.DisposeAsync();
            Follower.Dispose();
            Author.Dispose();
        }
    }

    private static async Task Execute(Npgsql.NpgsqlConnection connection, string sql, long follower, long post, long author = 0)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("follower", follower);
        command.Parameters.AddWithValue("post", post);
        command.Parameters.AddWithValue("author", author);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The post's fan-out message again, as a retry: a new message id, so nothing skips it.</summary>
    private async Task PublishFanOutAsync(PostDto post, long authorId, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { PostId = post.Id, AuthorId = authorId, post.CreatedAt });
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri((await crumbs.App.GetConnectionStringAsync("messaging", ct))!) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(
            new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var properties = new RabbitMQ.Client.BasicProperties
        {
            MessageId = Guid.NewGuid().ToString(),
            Persistent = true,
            Headers = new Dictionary<string, object?> { ["x-retry-count"] = "1" },
        };
        await channel.BasicPublishAsync("", "crumbs.posts.created", mandatory: true, properties, body, ct);
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
