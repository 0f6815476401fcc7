using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Cache;

/// <summary>
/// A home timeline miss costs the query plus one cache write (Domain/Caching/CachedTimeline.cs): what one clone read
/// from Postgres every other clone serves from Redis, the reader's likes included, and a page cached under an old
/// timeline version is never served.
/// </summary>
public sealed class TimelineMissTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_page_one_clone_read_from_postgres_is_served_by_the_others_without_sql_until_the_timeline_changes()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        await reader.FollowAsync(author.Handle);
        var first = await author.PostAsync("read once from postgres");
        await reader.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == first.Id), "the fan-out");
        using (var like = await reader.SendAsync(HttpMethod.Put, $"/api/posts/{first.Id}/like"))
        {
            Assert.Equal(HttpStatusCode.OK, like.StatusCode);
        }

        // The likes set is gone, as after an hour away: the cold read learns the like from its own round trip to
        // Postgres, and caches the set for the clones that serve the cached id list next.
        var readerId = await new Database(crumbs).ScalarAsync<long>("select id from users where handle = @handle", ("handle", reader.Handle));
        await RedisCommands.DeleteAsync(crumbs, $"likes:{readerId}");
        await RedisCommands.DeleteAsync(crumbs, $"post-object:{first.Id}");   // the like's tombstone, as once its 10 s are over
        reader.ForgetFreshReads();
        var replicas = crumbs.Replicas.Of("web").Select(r => r.Address).OfType<Uri>().ToList();
        Assert.True(replicas.Count >= 2, "needs two web replicas reachable directly");
        const string page = "/api/timeline?limit=7";   // a page size nothing else reads, so it starts cold

        var cold = await PageWithSqlAsync(reader, page, replicas[0]);
        Assert.InRange(cold.Statements.Count, 1, 2);   // round trips: rows, celebrities and likes; then posts the cache lacks
        Assert.Contains(first.Id, cold.Ids);
        Assert.Equal([first.Id], cold.Liked);
        await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);   // the writes nobody waits for
        foreach (var replica in replicas.Skip(1))
        {
            var warm = await PageWithSqlAsync(reader, page, replica);
            Assert.Empty(warm.Statements);
            Assert.Equal(cold.Ids, warm.Ids);
            Assert.Equal([first.Id], warm.Liked);
        }

        // A new post moves the reader's timeline version: the page cached under the old one is a miss everywhere.
        var second = await author.PostAsync("moves the version");
        await reader.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == second.Id), "the second fan-out");
        reader.ForgetFreshReads();
        var changed = await PageWithSqlAsync(reader, page, replicas[^1]);
        Assert.NotEmpty(changed.Statements);
        Assert.Equal(second.Id, changed.Ids[0]);
    }

    private static async Task<(List<string> Statements, List<long> Ids, List<long> Liked)> PageWithSqlAsync(UserSession reader, string path, Uri replica)
    {
        var (response, statements) = await reader.WithSqlAsync(path, replica);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<PageDto<PostDto>>(TestContext.Current.CancellationToken);
            return (statements, [.. body!.Items.Select(i => i.Id)], [.. body.Items.Where(i => i.LikedByMe).Select(i => i.Id)]);
        }
    }
}
