using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>
/// likedByMe: the viewer's own state on shared post objects, from the per-user set likes:{userId} in Redis
/// (Domain/Caching/CachedLikes.cs), right on every replica after a like and an unlike, and rebuilt when Redis lost it.
/// </summary>
public sealed class LikedByMeTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_like_and_an_unlike_show_at_once_on_every_replica_in_the_home_and_author_timelines_and_the_post()
    {
        var replicas = crumbs.Replicas.Of("web");
        Assert.Equal(CrumbsApp.WebReplicas, replicas.Count);
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        await bob.FollowAsync(alice.Handle);
        var post = await alice.PostAsync("like me, then don't");
        await bob.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the fan-out");
        await AssertEverywhereAsync(bob, replicas, post.Id, liked: false, "before any like");

        // Every clone holds bob's home page bytes (without the like) when he likes: his next reads must go past them.
        bob.ForgetFreshReads();
        await Task.WhenAll(replicas.Select(r => bob.GetAsync<PageDto<PostDto>>("/api/timeline?limit=20", r.Address)));
        await SetLikeAsync(bob, post.Id, like: true, replicas[0]);
        await AssertEverywhereAsync(bob, replicas, post.Id, liked: true, "right after the like");

        bob.ForgetFreshReads();
        await Task.WhenAll(replicas.Select(r => bob.GetAsync<PageDto<PostDto>>("/api/timeline?limit=20", r.Address)));
        await SetLikeAsync(bob, post.Id, like: false, replicas[1]);
        await AssertEverywhereAsync(bob, replicas, post.Id, liked: false, "right after the unlike");

        // Someone else, and nobody at all, never sees bob's like as theirs.
        await SetLikeAsync(bob, post.Id, like: true, replicas[2]);
        Assert.False((await alice.GetAsync<PostDto>($"/api/posts/{post.Id}")).LikedByMe);
        using var anonymous = crumbs.CreateClient();
        var seen = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<PostDto>(anonymous,
            new Uri(crumbs.WebAddress, $"/api/posts/{post.Id}"), TestContext.Current.CancellationToken);
        Assert.False(seen!.LikedByMe);
    }

    [Fact]
    public async Task The_set_is_rebuilt_from_postgres_when_redis_has_lost_it_and_an_unlike_then_still_shows()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        var liked = await alice.PostAsync("liked, then forgotten by Redis");
        var other = await alice.PostAsync("never liked");
        Assert.False((await bob.GetAsync<PostDto>($"/api/posts/{liked.Id}")).LikedByMe);   // loads bob's set: no likes yet
        await SetLikeAsync(bob, liked.Id, like: true);
        var bobId = await new Database(crumbs).ScalarAsync<long>("select id from users where handle = @handle", ("handle", bob.Handle));
        var key = $"likes:{bobId}";
        Assert.Equal(":1", await RedisCommands.SendAsync(crumbs, "SISMEMBER", key, liked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await RedisCommands.DeleteAsync(crumbs, key);
        var page = await bob.GetAsync<PageDto<PostDto>>($"/api/users/{alice.Handle}/posts");
        Assert.True(page.Items.Single(p => p.Id == liked.Id).LikedByMe);
        Assert.False(page.Items.Single(p => p.Id == other.Id).LikedByMe);
        var members = (await RedisCommands.SendAsync(crumbs, "SMEMBERS", key)).Split('\n').Order().ToList();
        Assert.Equal(["0", liked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], members);   // the marker: loaded
        var ttl = await RedisCommands.SendAsync(crumbs, "TTL", key);   // ":seconds"
        Assert.True(long.Parse(ttl[1..], System.Globalization.CultureInfo.InvariantCulture) > 0, $"the rebuilt set has a lifetime ({ttl})");

        // An unlike while the set is missing: the next read rebuilds it without the like.
        await RedisCommands.DeleteAsync(crumbs, key);
        await SetLikeAsync(bob, liked.Id, like: false);
        Assert.False((await bob.GetAsync<PostDto>($"/api/posts/{liked.Id}")).LikedByMe);
        Assert.Equal("0", await RedisCommands.SendAsync(crumbs, "SMEMBERS", key));   // "no likes", told from "not loaded"
    }

    [Fact]
    public async Task A_reader_who_liked_more_newer_posts_than_a_cold_page_reads_with_its_rows_still_sees_each_like()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        await bob.FollowAsync(alice.Handle);
        var liked = await alice.PostAsync("liked before many newer posts");
        var later = await alice.PostAsync("never liked");
        await bob.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == later.Id), "the fan-out");
        await SetLikeAsync(bob, liked.Id, like: true);

        // 64 newer posts bob likes and his timeline does not show: a cold page's own likes read (his newest 64 before
        // the cursor, TimelineEntries.LikesRead) sees only those, so it cannot tell for his page and must ask.
        var database = new Database(crumbs);
        var bobId = await database.UserIdAsync(bob.Handle);
        var stranger = await database.CreateUserAsync($"m{Guid.NewGuid():N}"[..16]);
        for (var i = 0; i < 64; i++)
        {
            await database.LikeAsync(bobId, await database.CreatePostAsync(stranger, $"liked newer {i}"));
        }

        await RedisCommands.DeleteAsync(crumbs, $"likes:{bobId}");
        bob.ForgetFreshReads();
        var page = await bob.GetAsync<PageDto<PostDto>>("/api/timeline?limit=11");   // a page size nothing else reads: cold
        Assert.True(page.Items.Single(p => p.Id == liked.Id).LikedByMe, "the like older than the 64 newest");
        Assert.False(page.Items.Single(p => p.Id == later.Id).LikedByMe);
    }

    private static async Task SetLikeAsync(UserSession session, long postId, bool like, ReplicaInfo? replica = null)
    {
        using var response = await session.SendAsync(like ? HttpMethod.Put : HttpMethod.Delete, $"/api/posts/{postId}/like", replica: replica?.Address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("crumbs.fresh=", StringComparison.Ordinal));
        var answer = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<PostDto>(response.Content, TestContext.Current.CancellationToken);
        Assert.Equal(like, answer!.LikedByMe);
    }

    private static async Task AssertEverywhereAsync(UserSession viewer, IReadOnlyList<ReplicaInfo> replicas, long postId, bool liked, string when)
    {
        var author = (await viewer.GetAsync<PostDto>($"/api/posts/{postId}")).Author.Handle;
        await Task.WhenAll(replicas.Select(async replica =>
        {
            var home = await viewer.GetAsync<PageDto<PostDto>>("/api/timeline?limit=20", replica.Address);
            Assert.True(liked == home.Items.Single(p => p.Id == postId).LikedByMe, $"{replica.Name}: the home timeline {when}");
            var theirs = await viewer.GetAsync<PageDto<PostDto>>($"/api/users/{author}/posts", replica.Address);
            Assert.True(liked == theirs.Items.Single(p => p.Id == postId).LikedByMe, $"{replica.Name}: the author timeline {when}");
            var single = await viewer.GetAsync<PostDto>($"/api/posts/{postId}", replica.Address);
            Assert.True(liked == single.LikedByMe, $"{replica.Name}: the post {when}");
            Assert.Equal(liked ? 1 : 0, single.LikeCount);
        }));
    }
}
