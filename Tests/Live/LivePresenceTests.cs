using System.Globalization;
using System.Threading.Channels;
using Crumbs.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace Crumbs.Tests.Live;

/// <summary>
/// The worker names only followers with a live page open (Domain/Live/OnlineReaders.cs), read straight off the Redis
/// channel the web clones listen on; and what a page may ask to watch (Web/Live/WatchedPosts.cs).
/// </summary>
public sealed class LivePresenceTests(CrumbsApp crumbs)
{
    private const string NewPostsChannel = "crumbs:live:new-posts";
    private const string OnlineKey = "crumbs:live:online";
    private static readonly string[] NotNumbers = ["1; drop table posts"];

    [Fact]
    public async Task The_new_post_message_names_only_followers_who_are_online_and_a_lapsed_entry_does_not_count()
    {
        var ct = TestContext.Current.CancellationToken;
        using var author = await UserSession.SignUpAsync(crumbs);
        using var online = await UserSession.SignUpAsync(crumbs);
        using var offline = await UserSession.SignUpAsync(crumbs);
        using var lapsed = await UserSession.SignUpAsync(crumbs);
        foreach (var follower in new[] { online, offline, lapsed })
        {
            await follower.FollowAsync(author.Handle);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await crumbs.App.GetConnectionStringAsync("cache", ct))!);
        var lapsedId = await new Database(crumbs).UserIdAsync(lapsed.Handle);
        // As a crashed clone leaves it: an entry whose time ran out a minute ago.
        await redis.GetDatabase().SortedSetAddAsync(OnlineKey, lapsedId, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());
        var messages = Channel.CreateUnbounded<string>();
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(NewPostsChannel));
        subscription.OnMessage(message => messages.Writer.TryWrite(message.Message.ToString()));

        await using var channel = LiveChannel.Connect(online, crumbs.Replicas.Of("web")[0].Address!);
        var ready = LiveChannel.Ready(channel);
        await channel.StartAsync(ct);
        await ready.WaitAsync(TimeSpan.FromSeconds(10), ct);

        var post = await author.PostAsync("Who is there?");
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{post.Id}:");
        string? named = null;
        while (named is null)
        {
            var message = await messages.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(15), ct);
            named = message.StartsWith(prefix, StringComparison.Ordinal) ? message : null;
        }

        var onlineId = await new Database(crumbs).UserIdAsync(online.Handle);
        Assert.Equal(onlineId.ToString(CultureInfo.InvariantCulture), named.Split(':')[2]);   // one id of three followers
        // The fan-out itself still wrote every follower's timeline: presence only trims the message.
        await offline.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the post in the offline follower's timeline");
        await lapsed.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the post in the lapsed follower's timeline");
        await subscription.UnsubscribeAsync();
    }

    [Fact]
    public async Task A_watcher_is_told_the_count_and_nothing_of_who_liked_and_may_watch_at_most_50_posts()
    {
        var ct = TestContext.Current.CancellationToken;
        var web = crumbs.Replicas.Of("web");
        using var author = await UserSession.SignUpAsync(crumbs);
        using var viewer = await UserSession.SignUpAsync(crumbs);
        using var liker = await UserSession.SignUpAsync(crumbs);
        var post = await author.PostAsync("Count me");
        await using var channel = LiveChannel.Connect(viewer, web[0].Address!);
        var told = Channel.CreateUnbounded<object?[]>();
        channel.On<string, int>("likes", (id, count) => told.Writer.TryWrite([id, count]));
        channel.On<string>("deleted", id => told.Writer.TryWrite([id]));
        await channel.StartAsync(ct);

        var tooMany = Enumerable.Range(1, 51).Select(i => (long)i).ToArray();
        var refused = await Assert.ThrowsAsync<HubException>(() => channel.InvokeAsync("Watch", tooMany, ct));
        Assert.Contains("at most 50", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => channel.InvokeAsync("Watch", NotNumbers, ct));
        await channel.InvokeAsync("Watch", new[] { post.Id }, ct);

        using (var liked = await liker.SendAsync(HttpMethod.Put, $"/api/posts/{post.Id}/like", replica: web[1].Address))
        {
            liked.EnsureSuccessStatusCode();
        }

        var likes = await told.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal([post.Id.ToString(CultureInfo.InvariantCulture), 1], likes);   // the post and its count: no liker

        // No longer watched: a later like of it is not sent here.
        await channel.InvokeAsync("Watch", Array.Empty<long>(), ct);
        using (var unliked = await liker.SendAsync(HttpMethod.Delete, $"/api/posts/{post.Id}/like", replica: web[1].Address))
        {
            unliked.EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        Assert.False(told.Reader.TryRead(out var leaked), $"An unwatched post's event arrived: {string.Join(',', leaked ?? [])}");
    }

    private static readonly long[] OneMore = [99];

    [Fact]
    public async Task A_page_that_names_its_posts_in_a_loop_is_refused_after_30_calls_a_minute()
    {
        var ct = TestContext.Current.CancellationToken;
        using var viewer = await UserSession.SignUpAsync(crumbs);
        await using var channel = LiveChannel.Connect(viewer, crumbs.Replicas.Of("web")[0].Address!);
        await channel.StartAsync(ct);

        for (var i = 0; i < 30; i++)
        {
            await channel.InvokeAsync("Watch", new[] { (long)i + 1 }, ct);
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => channel.InvokeAsync("Watch", OneMore, ct));
        Assert.Contains("at most 30 times a minute", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, channel.State);   // refused, not disconnected
    }
}
