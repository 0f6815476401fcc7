using System.Net;
using Crumbs.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace Crumbs.Tests.Live;

/// <summary>Who may open the live channel, and when it is closed on them (Web/Live).</summary>
public sealed class LiveChannelTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Without_a_session_the_channel_is_refused()
    {
        using var client = new HttpClient();
        using var negotiate = await client.PostAsync(new Uri(crumbs.WebAddress, "/live/negotiate?negotiateVersion=1"), null,
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);   // a 401, not a redirect to the sign-in page

        await using var anonymous = new HubConnectionBuilder().WithUrl(new Uri(crumbs.WebAddress, "/live")).Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_page_of_another_origin_is_refused_and_this_sites_own_is_not()
    {
        using var person = await UserSession.SignUpAsync(crumbs);
        using var foreign = await NegotiateAsync(person, "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using var otherPort = await NegotiateAsync(person, $"http://{crumbs.WebAddress.Host}:1");
        Assert.Equal(HttpStatusCode.Forbidden, otherPort.StatusCode);
        using var own = await NegotiateAsync(person, crumbs.WebAddress.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);

        // The WebSocket upgrade itself, without negotiating first, is checked too.
        await using var socket = LiveChannel.Connect(person, crumbs.WebAddress, origin: "http://evil.example", skipNegotiation: true);
        await Assert.ThrowsAnyAsync<Exception>(() => socket.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HubConnectionState.Disconnected, socket.State);
    }

    [Fact]
    public async Task Sign_out_everywhere_closes_the_open_connection_on_another_clone_at_once()
    {
        var web = crumbs.Replicas.Of("web");
        using var person = await UserSession.SignUpAsync(crumbs);
        await using var connection = LiveChannel.Connect(person, web[0].Address!);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HubConnectionState.Connected, connection.State);

        using (var everywhere = await person.SendAsync(HttpMethod.Delete, "/api/sessions", replica: web[1].Address))
        {
            Assert.True(everywhere.IsSuccessStatusCode, $"DELETE /api/sessions answered {everywhere.StatusCode}");
        }

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
        // And it cannot come back with that cookie.
        await using var again = LiveChannel.Connect(person, web[0].Address!);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Only_followers_are_told_of_a_post_and_a_celebritys_post_reaches_its_followers_too()
    {
        var web = crumbs.Replicas.Of("web");
        using var author = await UserSession.SignUpAsync(crumbs);
        using var follower = await UserSession.SignUpAsync(crumbs);
        using var stranger = await UserSession.SignUpAsync(crumbs);
        await follower.FollowAsync(author.Handle);
        await using var followerChannel = LiveChannel.Connect(follower, web[0].Address!);
        await using var strangerChannel = LiveChannel.Connect(stranger, web[0].Address!);   // the same clone: it must still pick
        var toFollower = Listen(followerChannel);
        var toStranger = Listen(strangerChannel);
        // Ready once the hub has registered the connection and marked its reader online: a post before that names nobody
        // (the page then catches up with `after`), and this test would fail for a reason it does not test.
        var followerReady = LiveChannel.Ready(followerChannel);
        var strangerReady = LiveChannel.Ready(strangerChannel);
        await followerChannel.StartAsync(TestContext.Current.CancellationToken);
        await strangerChannel.StartAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(followerReady, strangerReady).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // What the worker publishes, read straight off the channel the clones listen on: a failure then says which step lost it.
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await crumbs.App.GetConnectionStringAsync("cache", ct))!);
        var published = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("crumbs:live:new-posts"));
        subscription.OnMessage(message => published.Enqueue(message.Message.ToString()));
        var post = await author.PostAsync("For my followers only");
        Assert.Equal(post.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await ToldAsync(toFollower, follower, post.Id, () => Diagnose(redis, followerChannel, follower, published)));
        await subscription.UnsubscribeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(toStranger.Reader.TryRead(out var leaked), $"A stranger was told of post {leaked}.");

        // A celebrity (more followers than the test threshold) is not fanned out: its followers' groups carry the post.
        using var fan = await UserSession.SignUpAsync(crumbs);
        var others = new List<UserSession>();
        for (var i = 0; i < CrumbsApp.CelebrityThreshold; i++)
        {
            var other = await UserSession.SignUpAsync(crumbs);
            others.Add(other);
            await other.FollowAsync(author.Handle);
        }

        await fan.FollowAsync(author.Handle);
        await Baking.Bakes.NowAsync(crumbs);     // the list of celebrities is baked: now it names the author
        try
        {
            await using var fanChannel = LiveChannel.Connect(fan, web[1].Address!);
            var toFan = Listen(fanChannel);
            var ready = LiveChannel.Ready(fanChannel);
            await fanChannel.StartAsync(TestContext.Current.CancellationToken);
            await ready.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);   // its groups are joined
            var famous = await author.PostAsync("Now that I am famous");
            Assert.Equal(famous.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                await toFan.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }
        finally
        {
            others.ForEach(o => o.Dispose());
        }
    }

    [Fact]
    public async Task After_gives_the_posts_right_after_a_cursor_a_page_at_a_time_and_refuses_a_bad_one()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        await reader.FollowAsync(author.Handle);
        var first = await author.PostAsync("before the page was opened");
        await reader.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == first.Id), "the first post at home");
        var later = new List<PostDto>();
        for (var i = 0; i < 3; i++)
        {
            later.Add(await author.PostAsync($"later {i}"));
        }

        // All three: two workers fan posts out side by side, so the last one may be home before the one before it.
        await reader.TimelineEventuallyAsync(p => later.All(l => p.Items.Any(i => i.Id == l.Id)), "the later posts at home");
        var page1 = await reader.GetAsync<PageDto<PostDto>>($"/api/timeline?after={first.Id}&limit=2");
        Assert.Equal([later[1].Id, later[0].Id], page1.Items.Select(p => p.Id));      // the two right after, newest first
        Assert.Equal(later[1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), page1.Next);
        var page2 = await reader.GetAsync<PageDto<PostDto>>($"/api/timeline?after={page1.Next}&limit=2");
        Assert.Equal([later[2].Id], page2.Items.Select(p => p.Id));
        Assert.Null(page2.Next);

        foreach (var bad in new[] { "after=abc", "after=-1", "after=1.5", $"after={first.Id}&before={later[2].Id}" })
        {
            using var response = await reader.SendAsync(HttpMethod.Get, $"/api/timeline?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static System.Threading.Channels.Channel<string> Listen(HubConnection connection)
    {
        var received = System.Threading.Channels.Channel.CreateUnbounded<string>();
        connection.On<string>("newPost", id => received.Writer.TryWrite(id));
        return received;
    }

    private static async Task<HttpResponseMessage> NegotiateAsync(UserSession person, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/live/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        return await person.SendAsync(request);
    }

    /// <summary>
    /// The next post a page is told of. Tests do not time the app: the wait is long (the delivery takes milliseconds), and
    /// if nothing comes the failure says whether the fan-out had written the reader's timeline by then.
    /// </summary>
    private static async Task<string> ToldAsync(System.Threading.Channels.Channel<string> told, UserSession reader, long postId, Func<Task<string>>? diagnose = null)
    {
        try
        {
            return await told.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            var timeline = await reader.GetAsync<PageDto<PostDto>>("/api/timeline");
            var fannedOut = timeline.Items.Any(p => p.Id == postId);
            throw new Xunit.Sdk.XunitException($"The page was not told of post {postId} within 30 s; the fan-out {(fannedOut ? "had" : "had not")} written the reader's timeline. {(diagnose is null ? "" : await diagnose())}");
        }
    }

    private async Task<string> Diagnose(ConnectionMultiplexer redis, HubConnection page, UserSession reader, IEnumerable<string> published)
    {
        var readerId = await new Database(crumbs).UserIdAsync(reader.Handle);
        var until = await redis.GetDatabase().SortedSetScoreAsync("crumbs:live:online", readerId);
        return $"Page connection: {page.State}. Reader {readerId} online until {until} (now {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}). " +
            $"Published on crumbs:live:new-posts meanwhile: [{string.Join(" | ", published)}].";
    }
}
