using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Demo;

/// <summary>What the demo seeder writes holds the app's invariants: counters, and home timelines as the fan-out keeps them.</summary>
public sealed class DemoSeederTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_seed_with_half_the_users_away_keeps_timelines_only_for_the_active_ones_and_every_counter_right()
    {
        using var client = crumbs.CreateOperatorClient();
        using var response = await client.PostAsync("/admin/demo/seed?users=80&follows=600&posts=500&likes=400&active=0.5", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seeded = (await response.Content.ReadFromJsonAsync<Seeded>(TestContext.Current.CancellationToken))!;
        Assert.InRange(seeded.ActiveUsers, 20, 60);   // about half, drawn per user
        Assert.Contains("timelines", seeded.Steps.Keys);

        // Who counts as active is what the fan-out reads: last_active_at within Crumbs:Timeline:ActiveFor.
        Assert.Equal(seeded.ActiveUsers, await CountAsync("select count(*) from users where starts_with(handle, @p) and last_active_at > now() - interval '30 days'", seeded));

        // Counters on the rows agree with the rows they count.
        Assert.Equal(0, await CountAsync(
            """
            select count(*) from users u where starts_with(u.handle, @p) and (
                u.follower_count <> (select count(*) from follows where followee_id = u.id) or
                u.following_count <> (select count(*) from follows where follower_id = u.id) or
                u.post_count <> (select count(*) from posts where author_id = u.id))
            """, seeded));
        Assert.Equal(0, await CountAsync(
            "select count(*) from posts p where starts_with(p.author_handle, @p) and p.like_count <> (select count(*) from likes where post_id = p.id)", seeded));

        // Every timeline is exactly what the fan-out would have written: own posts, plus, for active users only,
        // the posts of the authors they follow who are not celebrities.
        const string expected =
            """
            select f.follower_id, p.id from follows f
            join users r on r.id = f.follower_id and r.last_active_at > now() - interval '30 days'
            join users a on a.id = f.followee_id and a.follower_count <= @threshold
            join posts p on p.author_id = f.followee_id
            where starts_with(a.handle, @p)
            union all select author_id, id from posts where starts_with(author_handle, @p)
            """;
        const string actual = "select t.user_id, t.post_id from timeline_entries t join users u on u.id = t.user_id where starts_with(u.handle, @p)";
        Assert.Equal(0, await CountAsync($"select count(*) from (({expected}) except ({actual})) missing", seeded));
        Assert.Equal(0, await CountAsync($"select count(*) from (({actual}) except ({expected})) extra", seeded));
        Assert.Equal(seeded.TimelineEntries, await CountAsync($"select count(*) from ({actual}) a", seeded));
        Assert.True(await CountAsync(
            """
            select count(*) from timeline_entries t join users u on u.id = t.user_id
            where starts_with(u.handle, @p) and u.last_active_at < now() - interval '30 days' and t.author_id <> t.user_id
            """, seeded) == 0 && seeded.TimelineEntries > 500);

        using var wrong = await client.PostAsync("/admin/demo/seed?users=10&active=1.5", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
    }

    private async Task<long> CountAsync(string sql, Seeded seeded)
    {
        await using var db = await crumbs.OpenDatabaseAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("p", seeded.HandlePrefix);
        command.Parameters.AddWithValue("threshold", CrumbsApp.CelebrityThreshold);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private sealed record Seeded(string HandlePrefix, int Users, int Follows, int Posts, long TimelineEntries, int ActiveUsers, Dictionary<string, double> Steps);
}
