using System.Net;
using Crumbs.Tests.Infrastructure;
using StackExchange.Redis;

namespace Crumbs.Tests.Cache;

/// <summary>
/// Post objects in Redis (Domain/Caching/CachedPosts.cs): a change leaves a short tombstone, and a load that read the
/// row before the change, finishing after it, cannot write its older copy back over it.
/// </summary>
public sealed class PostObjectTests(CrumbsApp crumbs)
{
    // The app's own scripts, as Domain/Caching/CachedPosts.cs (PostObject) writes a loaded post.
    private const string WriteUnlessBuried = "for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1], 'NX') end";

    [Fact]
    public async Task A_like_buries_the_cached_post_so_an_older_copy_written_after_it_is_refused_on_every_replica()
    {
        var ct = TestContext.Current.CancellationToken;
        var replicas = crumbs.Replicas.Of("web");
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("bury me");
        using var reader = new UserSession(crumbs, "x", "x");   // signed out: no fresh reads, clone copies allowed
        foreach (var replica in replicas)
        {
            Assert.Equal(0, (await reader.GetAsync<PostDto>($"/api/posts/{post.Id}", replica.Address)).LikeCount);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await crumbs.App.GetConnectionStringAsync("cache", ct))!);
        var database = redis.GetDatabase();
        RedisKey key = $"post-object:{post.Id}";
        var before = await database.StringGetAsync(key);
        Assert.False(before.IsNullOrEmpty, "the read did not cache the post object");

        using (var like = await bob.SendAsync(HttpMethod.Put, $"/api/posts/{post.Id}/like", replica: replicas[0].Address))
        {
            Assert.Equal(HttpStatusCode.OK, like.StatusCode);
        }

        // The tombstone: an empty value that lives a few seconds.
        Assert.Equal("", (string?)await database.StringGetAsync(key));
        var ttl = await database.KeyTimeToLiveAsync(key);
        Assert.True(ttl is { } left && left > TimeSpan.Zero && left <= TimeSpan.FromSeconds(10), $"tombstone TTL {ttl}");

        // A slow load that read the row before the like writes its copy now, as the app writes loaded posts: refused.
        await database.ScriptEvaluateAsync(WriteUnlessBuried, [key], [600, before]);
        Assert.Equal("", (string?)await database.StringGetAsync(key));

        // Every replica reads the new count (its own copy was dropped by the message, Redis has only the tombstone).
        foreach (var replica in replicas)
        {
            var seen = await Eventually.GetAsync(async () =>
                (await reader.GetAsync<PostDto>($"/api/posts/{post.Id}", replica.Address)).LikeCount == 1 ? "1 like" : null,
                TimeSpan.FromSeconds(2), $"{replica.Name} to show the like");
            Assert.Equal("1 like", seen);
        }
    }
}
