namespace Crumbs.Web.Demo;

/// <summary>What follows from the rows a seed copied, in set-based SQL over the seeded users' id range.</summary>
internal static class DemoSql
{
    /// <summary>Random likes (no duplicates), then every counter the app keeps on its rows.</summary>
    public const string LikesAndCounters =
        """
        insert into likes (user_id, post_id, created_at)
        select distinct on (u, p) u, p, now() - random() * interval '2 days' from (
            select @first + floor(random() * (@last - @first + 1))::bigint as u, id as p
            from posts, generate_series(1, 3) where author_id between @first and @last
            order by random() limit @likes) pairs
        on conflict do nothing;
        update posts set like_count = l.n from (select post_id, count(*) n from likes group by post_id) l
        where posts.id = l.post_id and posts.author_id between @first and @last;
        update users set follower_count = f.n from (select followee_id, count(*) n from follows group by followee_id) f
        where users.id = f.followee_id and users.id between @first and @last;
        update users set following_count = f.n from (select follower_id, count(*) n from follows group by follower_id) f
        where users.id = f.follower_id and users.id between @first and @last;
        update users set post_count = p.n from (select author_id, count(*) n from posts group by author_id) p
        where users.id = p.author_id and users.id between @first and @last;
        """;

    /// <summary>
    /// Home timelines as the fan-out writes them (Worker/Timelines/FanOutHandler.cs): each post to its author's active
    /// followers, celebrities' posts to no one (merged on read), and every author's own posts to their own timeline.
    /// </summary>
    public const string Timelines =
        """
        insert into timeline_entries (user_id, post_id, author_id)
        select f.follower_id, p.id, p.author_id
        from follows f
        join users reader on reader.id = f.follower_id and reader.last_active_at > @activeSince
        join users author on author.id = f.followee_id and author.follower_count <= @threshold
        join posts p on p.author_id = f.followee_id
        where f.followee_id between @first and @last
        union all
        select author_id, id, author_id from posts where author_id between @first and @last
        """;
}
