namespace Crumbs.Web.Demo;

/// <summary>What follows from the rows a seed copied, in set-based SQL over the seeded users' id range.</summary>
internal static class DemoSql
{
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
