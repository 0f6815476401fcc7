using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Baking;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Timelines;

/// <summary>
/// A celebrity's posts are merged into their followers' pages on read. A cold page takes them from the celebrity's
/// cached window of newest posts (Domain/Caching/CachedCelebrityPosts.cs) instead of a statement of its own, and a
/// new post of theirs reaches every follower's cold page on every clone at once.
/// </summary>
public sealed class CelebrityWindowTests(CrumbsApp crumbs)
{
    private const string CelebrityStatement = "where author_id = @c0 ";   // a celebrity's own arm (TimelineStore.Windowed)

    [Fact]
    public async Task A_cold_page_merges_a_celebritys_cached_newest_posts_and_their_new_post_shows_on_every_clone()
    {
        using var celebrity = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        await reader.FollowAsync(celebrity.Handle);
        var fans = new List<UserSession>();
        for (var i = 0; i < CrumbsApp.CelebrityThreshold; i++)   // with the reader, one more than the threshold
        {
            fans.Add(await UserSession.SignUpAsync(crumbs));
            await fans[i].FollowAsync(celebrity.Handle);
        }

        var first = await celebrity.PostAsync("merged in on read");
        await Bakes.NowAsync(crumbs);   // the celebrity list is baked ahead of time
        reader.ForgetFreshReads();
        var replicas = crumbs.Replicas.Of("web").Select(r => r.Address).OfType<Uri>().ToList();
        Assert.True(replicas.Count >= 2, "needs two web replicas reachable directly");

        // Every read below is of a cursor nothing read before, so each is a cold page: the first one reads the
        // celebrity's posts from Postgres and loads the window for the pages after it.
        var cursor = first.Id + 1_000_000;
        var fromPostgres = await ColdPageAsync(reader, cursor++, replicas[0]);
        Assert.Contains(fromPostgres.Statements, c => c.Contains(CelebrityStatement, StringComparison.Ordinal));   // what "no statement" below means
        Assert.Equal([first.Id], fromPostgres.Ids);
        var fromWindow = await Eventually.GetAsync(async () =>
            await ColdPageAsync(reader, cursor++, replicas[0]) is { Statements: var s, Ids: var ids } && !s.Any(c => c.Contains(CelebrityStatement, StringComparison.Ordinal))
                ? ids : null, TimeSpan.FromSeconds(15), "a cold page merging the cached window");
        Assert.Equal([first.Id], fromWindow);

        // The post removes the window everywhere before it returns: no clone's cold page misses it, and once the window
        // is cached again it holds the post. A window left in place would hold the first post only, for a minute.
        var second = await celebrity.PostAsync("the window moves on");
        foreach (var replica in replicas)
        {
            Assert.Equal([second.Id, first.Id], (await ColdPageAsync(reader, cursor++, replica)).Ids);
        }

        foreach (var replica in replicas)
        {
            var merged = await Eventually.GetAsync(async () =>
                await ColdPageAsync(reader, cursor++, replica) is { Statements: var s, Ids: var ids } && !s.Any(c => c.Contains(CelebrityStatement, StringComparison.Ordinal))
                    ? ids : null, TimeSpan.FromSeconds(15), $"a cold page at {replica} merging the window again");
            Assert.Equal([second.Id, first.Id], merged);
        }

        fans.ForEach(f => f.Dispose());
    }

    private static async Task<(List<string> Statements, List<long> Ids)> ColdPageAsync(UserSession reader, long before, Uri replica)
    {
        var (response, statements) = await reader.WithSqlAsync($"/api/timeline?before={before}", replica);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEmpty(statements);   // a cold page: it read the reader's rows
            var body = await response.Content.ReadFromJsonAsync<PageDto<PostDto>>(TestContext.Current.CancellationToken);
            return (statements, [.. body!.Items.Select(i => i.Id)]);
        }
    }
}
