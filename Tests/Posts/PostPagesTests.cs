using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>Script and HTML in a post are shown as text on every page; the demo seeder makes a working network.</summary>
public sealed class PostPagesTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Markup_in_a_post_is_text_on_the_post_page_the_profile_and_the_home_timeline()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("<script>alert('x')</script><img src=x onerror=alert(1)> \"quoted\"");

        foreach (var page in new[] { $"/posts/{post.Id}", $"/users/{alice.Handle}", "/" })
        {
            using var response = await alice.SendAsync(HttpMethod.Get, page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_demo_seeder_makes_users_follows_posts_and_materialized_timelines()
    {
        using var client = crumbs.CreateOperatorClient();
        using var seeded = await client.PostAsync("/admin/demo/seed?users=60&follows=400&posts=600&likes=300", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
        var result = (await seeded.Content.ReadFromJsonAsync<Seeded>(TestContext.Current.CancellationToken))!;
        Assert.Equal((60, 400, 600), (result.Users, result.Follows, result.Posts));
        Assert.True(result.TimelineEntries >= 600);

        // A demo user's profile counters and home timeline agree with what was seeded.
        var busiest = (await Task.WhenAll(Enumerable.Range(1, 60).Select(async n =>
            await client.GetFromJsonAsync<ProfileDto>($"/api/users/{result.HandlePrefix}{n}", TestContext.Current.CancellationToken))))
            .OrderByDescending(p => p!.FollowingCount).First()!;
        Assert.True(busiest.FollowingCount > 0);
        using var demo = new UserSession(crumbs, busiest.Handle, "demo password");
        await demo.SignInAsync();
        var home = await demo.TimelineAsync(limit: 50);
        Assert.NotEmpty(home.Items);
        Assert.Equal(home.Items.OrderByDescending(p => p.Id).Select(p => p.Id), home.Items.Select(p => p.Id));

        using var tooBig = await client.PostAsync("/admin/demo/seed?users=1", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
    }

    private sealed record Seeded(string HandlePrefix, int Users, int Follows, int Posts, int Likes, long TimelineEntries, double Seconds);
}
