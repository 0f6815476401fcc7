using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Crumbs.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace Crumbs.Tests.Live;

/// <summary>
/// The workers write the fan-outs of the deliveries in hand together: one transaction, one statement per post in one
/// batch, then one version bump and one look-up of the online readers (Worker/Timelines/FanOutGroups.cs). Each post's
/// readers must still be its own: the rows, and the live message that names them.
/// </summary>
public sealed class FanOutGroupTests(CrumbsApp crumbs)
{
    private const int Pairs = 3;    // not a multiple of the two workers, which the broker hands messages in turn
    private const int Burst = 60;

    [Fact]
    public async Task A_burst_of_fan_outs_written_together_gives_each_post_its_own_readers()
    {
        var ct = TestContext.Current.CancellationToken;
        var pairs = new List<Pair>();
        for (var i = 0; i < Pairs; i++)
        {
            pairs.Add(await PairAsync());
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await crumbs.App.GetConnectionStringAsync("cache", ct))!);
        var messages = Channel.CreateUnbounded<string>();
        (await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("crumbs:live:new-posts")))
            .OnMessage(message => messages.Writer.TryWrite(message.Message.ToString()));
        await using var pages = new Pages();
        foreach (var pair in pairs)
        {
            await pages.OpenAsync(pair.Follower, crumbs.Replicas.Of("web")[0].Address!, ct);
        }

        var database = new Database(crumbs);
        var posts = pairs.Select(async pair => (Post: await pair.Author.PostAsync("one of a burst"),
            AuthorId: await database.UserIdAsync(pair.Author.Handle), FollowerId: await database.UserIdAsync(pair.Follower.Handle)));
        var written = await Task.WhenAll(posts);

        var told = written.ToDictionary(w => w.Post.Id, _ => new List<string>());
        await ReadAsync(messages, told, 1, ct);   // each post's own fan-out: the workers are consuming

        // Each post's message many times over, interleaved, as retries: the workers take them in faster than they write.
        await PublishAsync([.. Enumerable.Range(0, Burst).Select(i => written[i % Pairs]).Select(w => (w.Post, w.AuthorId))], ct);
        await ReadAsync(messages, told, 1 + Burst / Pairs, ct);

        foreach (var w in written)
        {
            var follower = w.FollowerId.ToString(CultureInfo.InvariantCulture);
            Assert.All(told[w.Post.Id], readers => Assert.Equal(follower, readers));   // never the other post's follower
            var rows = await database.RowsAsync("select user_id from timeline_entries where post_id = @post", ("post", w.Post.Id));
            Assert.Equal(new[] { w.AuthorId, w.FollowerId }.Order(), rows.Select(r => (long)r[0]).Order());
        }

        pairs.ForEach(p => p.Dispose());
    }

    /// <summary>Reads the live channel until each post has been named this many times; keeps whom each message named.</summary>
    private static async Task ReadAsync(Channel<string> messages, Dictionary<long, List<string>> told, int times, CancellationToken ct)
    {
        while (told.Values.Any(t => t.Count < times))
        {
            var message = await messages.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), ct);
            var parts = message.Split(':');
            if (told.TryGetValue(long.Parse(parts[0], CultureInfo.InvariantCulture), out var about))
            {
                about.Add(parts[2]);
            }
        }
    }

    private async Task<Pair> PairAsync()
    {
        var author = await UserSession.SignUpAsync(crumbs);
        var follower = await UserSession.SignUpAsync(crumbs);
        await follower.FollowAsync(author.Handle);
        return new Pair(author, follower);
    }

    private async Task PublishAsync(IReadOnlyList<(PostDto Post, long AuthorId)> fanOuts, CancellationToken ct)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri((await crumbs.App.GetConnectionStringAsync("messaging", ct))!) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(
            new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        await Task.WhenAll(fanOuts.Select(async f => await channel.BasicPublishAsync("", "crumbs.posts.created", mandatory: true,
            new RabbitMQ.Client.BasicProperties { MessageId = Guid.NewGuid().ToString(), Persistent = true },
            JsonSerializer.SerializeToUtf8Bytes(new { PostId = f.Post.Id, f.AuthorId, f.Post.CreatedAt }), ct)));
    }

    private sealed record Pair(UserSession Author, UserSession Follower) : IDisposable
    {
        public void Dispose()
        {
            Author.Dispose();
            Follower.Dispose();
        }
    }

    /// <summary>Live pages, open and registered online, closed at the end.</summary>
    private sealed class Pages : IAsyncDisposable
    {
        private readonly List<HubConnection> _open = [];

        public async Task OpenAsync(UserSession person, Uri address, CancellationToken ct)
        {
            var page = LiveChannel.Connect(person, address);
            _open.Add(page);
            var ready = LiveChannel.Ready(page);
            await page.StartAsync(ct);
            await ready.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var page in _open)
            {
                await page.DisposeAsync();
            }
        }
    }
}
