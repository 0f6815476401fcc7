using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Baking;

/// <summary>Trending and who-to-follow are baked by a worker and served as baked: requests never compute them.</summary>
public sealed class TrendingTests(CrumbsApp crumbs)
{
    private readonly Database _db = new(crumbs);

    private sealed record TrendingDto(DateTimeOffset? BakedAt, List<long> PostIds, List<TrendingPostDto> Posts);

    private sealed record TrendingPostDto(long Id, string AuthorHandle, string Text, int LikeCount, int RecentLikes);

    private sealed record SuggestionsDto(DateTimeOffset? BakedAt, List<SuggestionDto> Accounts);

    private sealed record SuggestionDto(long UserId, string Handle, int FollowedBy);

    [Fact]
    public async Task A_post_liked_most_in_the_last_day_trends_ahead_of_less_liked_ones_and_old_likes_do_not_count()
    {
        var author = await _db.CreateUserAsync(Unique("t"));
        var hot = await _db.CreatePostAsync(author, "hot post");
        var warm = await _db.CreatePostAsync(author, "warm post");
        var stale = await _db.CreatePostAsync(author, "stale post");
        for (var i = 0; i < 30; i++)
        {
            var fan = await _db.CreateUserAsync(Unique("f"));
            if (i < 25) await _db.LikeAsync(fan, hot);
            if (i < 20) await _db.LikeAsync(fan, warm);
            await _db.LikeAsync(fan, stale, ago: TimeSpan.FromDays(2));  // more likes in all, none in the last 24 hours
        }

        var requestedAt = await _db.ScalarAsync<DateTime>("select now()");
        await Bakes.NowAsync(crumbs);

        using var anonymous = crumbs.CreateClient();
        var trending = (await anonymous.GetFromJsonAsync<TrendingDto>("/api/trending", TestContext.Current.CancellationToken))!;
        Assert.True(trending.BakedAt >= requestedAt);
        Assert.True(trending.PostIds.IndexOf(hot) is >= 0 and var hotAt && hotAt < trending.PostIds.IndexOf(warm));
        Assert.DoesNotContain(stale, trending.PostIds);
        Assert.Equal(trending.PostIds, trending.Posts.Select(p => p.Id));
        var hotPost = trending.Posts.Single(p => p.Id == hot);
        Assert.Equal(("hot post", 25, 25), (hotPost.Text, hotPost.RecentLikes, hotPost.LikeCount));

        var page = await anonymous.GetStringAsync("/trending", TestContext.Current.CancellationToken);
        Assert.True(page.IndexOf("hot post", StringComparison.Ordinal) < page.IndexOf("warm post", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Suggestions_are_the_accounts_my_followees_follow_ranked_and_served_as_baked_until_the_next_bake()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var me = await _db.UserIdAsync(alice.Handle);
        var (bob, carol, dave, erin) = (await _db.CreateUserAsync(Unique("b")), await _db.CreateUserAsync(Unique("c")),
            await _db.CreateUserAsync(Unique("d")), await _db.CreateUserAsync(Unique("e")));
        await _db.FollowAsync(me, bob);
        await _db.FollowAsync(me, carol);
        await _db.FollowAsync(bob, dave);
        await _db.FollowAsync(bob, erin);
        await _db.FollowAsync(bob, carol);    // alice follows carol already
        await _db.FollowAsync(carol, dave);
        await _db.FollowAsync(carol, me);     // alice herself
        await _db.LikeAsync(me, await _db.CreatePostAsync(bob, "bob's post"));   // alice is active

        await Bakes.NowAsync(crumbs);
        var baked = await alice.GetAsync<SuggestionsDto>("/api/suggestions");
        Assert.NotNull(baked.BakedAt);
        Assert.Equal([(dave, 2), (erin, 1)], baked.Accounts.Select(a => (a.UserId, a.FollowedBy)));

        await _db.FollowAsync(me, dave);      // not seen until the next bake: a request never computes suggestions
        Assert.Equal(baked.Accounts.Select(a => a.UserId), (await alice.GetAsync<SuggestionsDto>("/api/suggestions")).Accounts.Select(a => a.UserId));
        await Bakes.NowAsync(crumbs);
        Assert.Equal([erin], (await alice.GetAsync<SuggestionsDto>("/api/suggestions")).Accounts.Select(a => a.UserId));

        using var page = await alice.SendAsync(HttpMethod.Get, "/suggestions");
        Assert.Contains($"data-user=\"{erin}\"", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var stranger = new UserSession(crumbs, "x", "x");
        using var anonymous = await stranger.SendAsync(HttpMethod.Get, "/api/suggestions");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Baked_results_are_read_from_Redis_first_and_from_their_Postgres_row_once_Redis_has_lost_them()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var me = await _db.UserIdAsync(alice.Handle);
        var (bob, carol) = (await _db.CreateUserAsync(Unique("b")), await _db.CreateUserAsync(Unique("c")));
        await _db.FollowAsync(me, bob);
        await _db.FollowAsync(bob, carol);
        await _db.CreatePostAsync(me, "active");
        await Bakes.NowAsync(crumbs);
        Assert.Equal([carol], (await alice.GetAsync<SuggestionsDto>("/api/suggestions")).Accounts.Select(a => a.UserId));

        // Only the Postgres row changes: requests still get Redis' copy.
        await _db.ScalarAsync<int>(
            "update suggestions set payload = jsonb_set(payload, '{accounts}', '[]') where user_id = @me returning 1", ("me", me));
        Assert.Equal([carol], (await alice.GetAsync<SuggestionsDto>("/api/suggestions")).Accounts.Select(a => a.UserId));

        // Redis loses the key: requests fall back to the row, and still compute nothing.
        await RedisCommands.DeleteAsync(crumbs, $"baked:suggestions:{me}");
        var fallback = await alice.GetAsync<SuggestionsDto>("/api/suggestions");
        Assert.NotNull(fallback.BakedAt);
        Assert.Empty(fallback.Accounts);
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..16];
}
