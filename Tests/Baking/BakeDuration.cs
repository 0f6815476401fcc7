using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Baking;

/// <summary>A measurement, not a test: run it with `-- --explicit only --filter-class "*BakeDuration"`.</summary>
public sealed class BakeDuration(CrumbsApp crumbs)
{
    private const int Users = 5_000;
    private const int FollowsEach = 20;
    private const int Posts = 20_000;
    private const int Likes = 100_000;

    [Fact(Explicit = true)]
    public async Task Measure_how_long_a_bake_takes_on_a_busy_week()
    {
        var db = new Database(crumbs);
        var tag = Guid.NewGuid().ToString("N")[..6];
        await db.ScalarAsync<int?>(
            """
            insert into users (handle, display_name, password_hash)
            select 'm' || @tag || n, 'Measured ' || n, 'x' from generate_series(1, @users) n;
            create temporary table measured as select id, row_number() over (order by id) as n from users where handle like 'm' || @tag || '%';
            insert into follows (follower_id, followee_id)
            select a.id, b.id from measured a
            join lateral (select (a.n + floor(random() * (@users - 1)))::bigint % @users + 1 as n from generate_series(1, @follows)) pick on true
            join measured b on b.n = pick.n and b.id <> a.id
            on conflict do nothing;
            insert into posts (author_id, author_handle, author_display_name, text, created_at)
            select m.id, 'm', 'M', 'post ' || g, now() - random() * interval '7 days'
            from generate_series(1, @posts) g join measured m on m.n = 1 + g % @users;
            insert into likes (user_id, post_id, created_at)
            select m.id, p.id, now() - random() * interval '3 days'
            from (select 1 + floor(random() * @users)::int as n, (select min(id) from posts) + floor(random() * @posts)::bigint as post from generate_series(1, @likes)) l
            join measured m on m.n = l.n join posts p on p.id = l.post
            on conflict do nothing;
            analyze;
            """, ("tag", tag), ("users", Users), ("follows", FollowsEach), ("posts", Posts), ("likes", Likes));

        var runs = new List<BakeRunDto>();
        var worker = crumbs.Replicas.Of("worker")[0].Address!;
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await Bakes.NowAtAsync(crumbs, worker));
        }

        foreach (var run in runs)
        {
            TestContext.Current.TestOutputHelper!.WriteLine(
                $"{Users} users × {FollowsEach} follows, {Posts} posts, {Likes} likes: bake by {run.Owner} took " +
                $"{(run.EndedAt - run.StartedAt).TotalMilliseconds:0} ms ({run.Trending} trending, suggestions for {run.Suggestions} users)");
        }
    }
}
