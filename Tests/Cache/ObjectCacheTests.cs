using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Cache;

/// <summary>Lesson 3: whole objects cached in Redis, correct on every clone after every write.</summary>
public sealed class ObjectCacheTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_home_timeline_page_served_with_everything_cached_runs_no_sql()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        await reader.FollowAsync(author.Handle);
        var post = await author.PostAsync("cache me");
        await reader.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the fan-out");

        var (first, cold) = await reader.WithSqlAsync("/api/timeline?limit=20");
        first.Dispose();
        Assert.InRange(cold.Count, 1, 3);

        var (second, warm) = await reader.WithSqlAsync("/api/timeline?limit=20");
        using (second)
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Contains(post.Id, (await second.Content.ReadFromJsonAsync<PageDto<PostDto>>(TestContext.Current.CancellationToken))!.Items.Select(i => i.Id));
        }

        Assert.Empty(warm);
    }

    [Fact]
    public async Task A_profile_edit_a_like_and_a_delete_through_one_replica_show_on_every_other()
    {
        var replicas = crumbs.Replicas.Of("web");
        using var alice = await UserSession.SignUpAsync(crumbs, "Before");
        using var bob = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("watch me change");
        foreach (var replica in replicas)                                 // every clone has both objects cached now
        {
            await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address);
            await alice.GetAsync<PostDto>($"/api/posts/{post.Id}", replica.Address);
        }

        using (var edit = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "After", bio = "" }, replicas[0].Address))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        using (var like = await bob.SendAsync(HttpMethod.Put, $"/api/posts/{post.Id}/like", replica: replicas[0].Address))
        {
            Assert.Equal(HttpStatusCode.OK, like.StatusCode);
        }

        foreach (var replica in replicas.Skip(1))
        {
            Assert.Equal("After", (await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address)).DisplayName);
            Assert.Equal(1, (await alice.GetAsync<PostDto>($"/api/posts/{post.Id}", replica.Address)).LikeCount);
        }

        using (var delete = await alice.SendAsync(HttpMethod.Delete, $"/api/posts/{post.Id}", replica: replicas[0].Address))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        foreach (var replica in replicas.Skip(1))
        {
            using var gone = await alice.SendAsync(HttpMethod.Get, $"/api/posts/{post.Id}", replica: replica.Address);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal(0, (await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address)).PostCount);
        }
    }

    /// <summary>How much longer the stampede's loads take, so that requests sent together surely meet a load in progress.</summary>
    private static readonly TimeSpan SlowLoad = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Fifty_concurrent_requests_for_the_same_cold_post_load_it_from_postgres_once()
    {
        var requests = await StampedeAsync(skipDistributedLocker: false);

        var loader = Assert.Single(requests, r => r.Loads > 0);
        Assert.Equal(1, loader.Loads);
        // The others were in flight while that one load ran (it ends no sooner than SlowLoad after its request
        // started), on more than one clone: the locker, not luck or one clone's own lock, kept them from Postgres.
        var during = requests.Where(r => r.Started < loader.Started + SlowLoad.Ticks && r.Ended > loader.Started).ToList();
        Assert.True(during.Select(r => r.ServedBy).Distinct().Count() >= 2,
            $"{during.Count} requests in flight during the load, on {string.Join(", ", during.Select(r => r.ServedBy).Distinct())}");
    }

    [Fact]
    public async Task Without_the_distributed_locker_the_same_stampede_loads_the_post_on_several_replicas()
    {
        var requests = await StampedeAsync(skipDistributedLocker: true);

        // Each clone's own locker still lets one request per clone load: more than one load means more than one clone.
        var loaders = requests.Where(r => r.Loads > 0).ToList();
        Assert.True(loaders.Sum(r => r.Loads) >= 2, $"{loaders.Sum(r => r.Loads)} loads");
        Assert.True(loaders.Select(r => r.ServedBy).Distinct().Count() >= 2, string.Join(", ", loaders.Select(r => r.ServedBy)));
    }

    private sealed record StampedeRequest(string ServedBy, long Started, long Ended, int Loads);

    /// <summary>Fifty requests at once, each on a connection of its own (so over every clone), for one post nobody read yet.</summary>
    private async Task<StampedeRequest[]> StampedeAsync(bool skipDistributedLocker)
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("stampede");                    // written, never read: cold everywhere

        using var client = crumbs.CreateClient();                        // a new connection per request
        var requests = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/posts/{post.Id}");
            request.Headers.Add("X-Capture-Sql", "1");
            request.Headers.Add("X-Slow-Cache-Load", ((int)SlowLoad.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (skipDistributedLocker)
            {
                request.Headers.Add("X-Skip-Distributed-Locker", "1");
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var header = Assert.Single(response.Headers.GetValues("X-Sql-Statements"));
            var statements = JsonSerializer.Deserialize<List<string>>(Encoding.UTF8.GetString(Convert.FromBase64String(header)))!;
            var window = Assert.Single(response.Headers.GetValues("X-Request-Window")).Split(' ').Select(long.Parse).ToArray();
            return new StampedeRequest(ServedBy.Of(response), window[0], window[1],
                statements.Count(sql => sql.Contains("from posts", StringComparison.OrdinalIgnoreCase)));
        }));
        Assert.True(requests.Select(r => r.ServedBy).Distinct().Count() >= 2, "the requests reached one clone only");
        return requests;
    }
}
