using System.Net;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>Bad input gets 4xx problem details and stores nothing; posts are text, never markup.</summary>
public sealed class PostRulesTests(CrumbsApp crumbs)
{
    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    [InlineData("bell \u0007 character")]
    [InlineData("null \u0000 character")]
    public async Task Empty_or_control_character_posts_are_refused(string text)
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var response = await alice.SendAsync(HttpMethod.Post, "/api/posts", new { text });
        await BadInputTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, (await alice.GetAsync<ProfileDto>("/api/me")).PostCount);
    }

    [Fact]
    public async Task Posts_count_characters_as_people_do_280_fit_281_do_not()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var flags = string.Concat(Enumerable.Repeat("🇳🇱", 280));                   // 280 characters, 1120 UTF-16 units
        Assert.Equal(flags, (await alice.PostAsync($"  {flags}  ")).Text);          // trimmed

        using var tooLong = await alice.SendAsync(HttpMethod.Post, "/api/posts", new { text = new string('x', 281) });
        await BadInputTests.AssertProblemAsync(tooLong, HttpStatusCode.BadRequest);
        Assert.Equal(1, (await alice.GetAsync<ProfileDto>("/api/me")).PostCount);
    }

    [Fact]
    public async Task Liking_twice_counts_once_and_unliking_twice_too()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("like me");

        for (var i = 0; i < 2; i++)
        {
            using var like = await bob.SendAsync(HttpMethod.Put, $"/api/posts/{post.Id}/like");
            Assert.Equal(HttpStatusCode.OK, like.StatusCode);
        }

        Assert.Equal(1, (await bob.GetAsync<PostDto>($"/api/posts/{post.Id}")).LikeCount);
        for (var i = 0; i < 2; i++)
        {
            using var unlike = await bob.SendAsync(HttpMethod.Delete, $"/api/posts/{post.Id}/like");
            Assert.Equal(HttpStatusCode.OK, unlike.StatusCode);
        }

        Assert.Equal(0, (await bob.GetAsync<PostDto>($"/api/posts/{post.Id}")).LikeCount);
    }

    [Fact]
    public async Task Unknown_posts_users_garbage_cursors_and_following_yourself_are_4xx()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        foreach (var (method, path, status) in new[]
        {
            ("GET", "/api/posts/999999999", HttpStatusCode.NotFound),
            ("PUT", "/api/posts/999999999/like", HttpStatusCode.NotFound),
            ("GET", "/api/users/no_such_user_x/posts", HttpStatusCode.NotFound),
            ("PUT", "/api/users/no_such_user_x/follow", HttpStatusCode.NotFound),
            ("GET", "/api/timeline?before=garbage", HttpStatusCode.BadRequest),
            ("GET", "/api/timeline?before=-5", HttpStatusCode.BadRequest),
            ("GET", "/api/timeline?limit=0", HttpStatusCode.BadRequest),
            ("GET", "/api/timeline?limit=1000", HttpStatusCode.BadRequest),
            ("GET", $"/api/users/{alice.Handle}/followers?before=zz", HttpStatusCode.BadRequest),
            ("PUT", $"/api/users/{alice.Handle}/follow", HttpStatusCode.BadRequest),
        })
        {
            using var response = await alice.SendAsync(new HttpMethod(method), path);
            await BadInputTests.AssertProblemAsync(response, status);
        }

        Assert.Equal(0, (await alice.GetAsync<ProfileDto>("/api/me")).FollowingCount);
    }

    [Fact]
    public async Task Nobody_can_delete_someone_elses_post()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var mallory = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("mine");

        using var delete = await mallory.SendAsync(HttpMethod.Delete, $"/api/posts/{post.Id}");
        await BadInputTests.AssertProblemAsync(delete, HttpStatusCode.Forbidden);
        Assert.Equal("mine", (await alice.GetAsync<PostDto>($"/api/posts/{post.Id}")).Text);
    }

    [Fact]
    public async Task Counters_on_the_rows_follow_posts_and_follows()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        await bob.FollowAsync(alice.Handle);
        await bob.FollowAsync(alice.Handle);                                             // idempotent
        await alice.PostAsync("one");

        var aliceProfile = await bob.GetAsync<ProfileDto>($"/api/users/{alice.Handle}");
        Assert.Equal((1, 0, 1), (aliceProfile.FollowerCount, aliceProfile.FollowingCount, aliceProfile.PostCount));
        var followers = await bob.GetAsync<PageDto<AuthorDto>>($"/api/users/{alice.Handle}/followers");
        Assert.Equal(bob.Handle, Assert.Single(followers.Items).Handle);
        var following = await bob.GetAsync<PageDto<AuthorDto>>($"/api/users/{bob.Handle}/following");
        Assert.Equal(alice.Handle, Assert.Single(following.Items).Handle);
    }
}
