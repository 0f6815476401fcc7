using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Baking;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>
/// Lesson 2: with nothing cached, the hot reads make at most 2 round trips to Postgres with at most 4 statements, and
/// Postgres' own plan for each reads one table at a time: no join of any kind, no nested loop, no sub-plan. The reader
/// follows a celebrity too, whose posts are merged in on read. (With everything cached the reads run no SQL at all:
/// see ObjectCacheTests.) A home timeline's 4: its rows, the followed celebrities and the reader's likes in one round
/// trip, then the posts.
/// </summary>
public sealed class HotReadTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Timeline_user_posts_post_and_profile_reads_plan_no_join_and_make_at_most_two_round_trips()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var celebrity = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        await reader.FollowAsync(author.Handle);
        await reader.FollowAsync(celebrity.Handle);
        var fans = new List<UserSession>();
        for (var i = 0; i < CrumbsApp.CelebrityThreshold; i++)   // one follower more than the threshold: not fanned out
        {
            fans.Add(await UserSession.SignUpAsync(crumbs));
            await fans[i].FollowAsync(celebrity.Handle);
        }

        var posts = new List<PostDto>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add(await author.PostAsync($"hot read {i}"));
        }

        var famous = await celebrity.PostAsync("merged in on read");
        await Bakes.NowAsync(crumbs);   // the celebrity list is baked ahead of time

        // Wait for the fan-out in the database, not through the API: these reads must find nothing cached.
        await using var db = await crumbs.OpenDatabaseAsync();
        await Eventually.GetAsync(async () =>
        {
            await using var count = new Npgsql.NpgsqlCommand(
                "select count(*) from timeline_entries where user_id = (select id from users where handle = @handle)", db);
            count.Parameters.AddWithValue("handle", reader.Handle);
            return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))! == 3 ? "fanned out" : null;
        }, TimeSpan.FromSeconds(30), "the fan-out");

        foreach (var path in new[] { $"/api/posts/{posts[0].Id}", $"/api/users/{author.Handle}", $"/api/users/{author.Handle}/posts", "/api/timeline" })
        {
            var (response, commands) = await reader.WithSqlAsync(path);
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var statements = QueryPlans.Statements(commands).ToList();
                Assert.True(statements.Count > 0, $"{path} ran no SQL: it was cached already");   // the capture sees the reads
                Assert.True(commands.Count <= 2 && statements.Count <= 4,
                    $"{path} made {commands.Count} round trips with {statements.Count} statements:\n{string.Join("\n", commands)}");
                foreach (var statement in statements)
                {
                    var combining = await QueryPlans.CombiningNodesAsync(db, statement);
                    Assert.True(combining.Count == 0, $"{path}: the plan of\n{statement}\ncombines relations: {string.Join(", ", combining)}");
                }

                if (path == "/api/timeline")
                {
                    var page = await response.Content.ReadFromJsonAsync<PageDto<PostDto>>(TestContext.Current.CancellationToken);
                    Assert.Equal([famous.Id, .. posts.Select(p => p.Id).Reverse()], page!.Items.Select(p => p.Id));
                }
            }
        }

        fans.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task The_plan_check_sees_a_semi_join_where_there_is_one()
    {
        // The check itself can fail: the celebrity read as it was once written, a semi-join, is caught.
        await using var db = await crumbs.OpenDatabaseAsync();
        var combining = await QueryPlans.CombiningNodesAsync(db,
            "select followee_id from follows where follower_id = @userId and followee_id = any(select id from users where follower_count > @threshold)");
        Assert.NotEmpty(combining);
    }
}
