using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>Home timelines written ahead of time by the workers, and kept right when posts, follows and names change.</summary>
public sealed class FanOutTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_post_reaches_every_followers_home_timeline_and_leaves_it_when_deleted()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        var followers = new List<UserSession>();
        for (var i = 0; i < 3; i++)
        {
            followers.Add(await UserSession.SignUpAsync(crumbs));
            await followers[i].FollowAsync(author.Handle);
        }

        var post = await author.PostAsync("to every follower");
        foreach (var follower in followers)
        {
            await follower.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the post in a follower's timeline");
        }

        using var delete = await author.SendAsync(HttpMethod.Delete, $"/api/posts/{post.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        foreach (var follower in followers)
        {
            Assert.DoesNotContain((await follower.TimelineAsync(limit: 100)).Items, i => i.Id == post.Id); // gone at once
        }

        Assert.Equal(0, await TimelineRowsAsync(post.Id, eventuallyZero: true));                         // and its rows soon
        followers.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task A_posts_message_is_written_by_its_own_statement_as_the_worker_reads_it()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        var post = await author.PostAsync("its message built in SQL");
        var database = new Database(crumbs);
        var row = (await database.RowsAsync(
            """
            select o.payload::text, o.kind, o.aggregate_key, p.created_at, p.author_id
            from outbox o join posts p on p.id = @id where o.aggregate_key = 'post:' || @id
            """, ("id", post.Id))).Single();

        // As the worker reads it: System.Text.Json's defaults, names matched exactly (Domain/Posts/PostEvents.cs).
        var message = System.Text.Json.JsonSerializer.Deserialize<PostCreated>((string)row[0])!;
        Assert.Equal(("PostCreated", $"post:{post.Id}"), ((string)row[1], (string)row[2]));
        Assert.Equal((post.Id, (long)row[4]), (message.PostId, message.AuthorId));
        Assert.Equal(DateTimeKind.Utc, message.CreatedAt.Kind);
        Assert.Equal(((DateTime)row[3]).ToUniversalTime(), message.CreatedAt);   // to the microsecond
    }

    /// <summary>The shape of Domain's PostCreated (the tests do not reference Domain).</summary>
    private sealed record PostCreated(long PostId, long AuthorId, DateTime CreatedAt);

    [Fact]
    public async Task A_post_by_an_author_above_the_threshold_is_merged_in_when_read_not_fanned_out()
    {
        using var celebrity = await UserSession.SignUpAsync(crumbs);
        var fans = new List<UserSession>();
        for (var i = 0; i <= CrumbsApp.CelebrityThreshold; i++)
        {
            fans.Add(await UserSession.SignUpAsync(crumbs));
            await fans[i].FollowAsync(celebrity.Handle);
        }

        await Baking.Bakes.NowAsync(crumbs);   // the list of celebrities is baked ahead of time (every minute)
        var post = await celebrity.PostAsync("too popular to fan out");
        foreach (var fan in fans)
        {
            Assert.Contains((await fan.TimelineAsync()).Items, i => i.Id == post.Id);
        }

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken); // time enough for a fan-out, had there been one
        Assert.Equal(1, await TimelineRowsAsync(post.Id));                                // only the author's own entry
        fans.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task Following_backfills_recent_posts_and_unfollowing_takes_them_out()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        var earlier = await author.PostAsync("written before the follow");

        await reader.FollowAsync(author.Handle);
        await reader.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == earlier.Id), "the backfill");

        await reader.FollowAsync(author.Handle, follow: false);
        await reader.TimelineEventuallyAsync(p => p.Items.All(i => i.Author.Handle != author.Handle), "the unfollow to take the posts out");
    }

    [Fact]
    public async Task A_renamed_author_shows_the_new_name_on_old_posts()
    {
        using var author = await UserSession.SignUpAsync(crumbs, "Old Name");
        var post = await author.PostAsync("name me");
        using var rename = await author.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "New Name", bio = "" });
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);

        await Eventually.GetAsync(async () =>
            (await author.GetAsync<PostDto>($"/api/posts/{post.Id}")).Author.DisplayName == "New Name" ? "renamed" : null,
            TimeSpan.FromSeconds(30), "the copy on the old post to be renamed");
    }

    private async Task<long> TimelineRowsAsync(long postId, bool eventuallyZero = false)
    {
        await using var db = await crumbs.OpenDatabaseAsync();
        async Task<long> CountAsync()
        {
            await using var command = new Npgsql.NpgsqlCommand("select count(*) from timeline_entries where post_id = @id", db);
            command.Parameters.AddWithValue("id", postId);
            return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        if (eventuallyZero)
        {
            await Eventually.GetAsync(async () => await CountAsync() == 0 ? "empty" : null, TimeSpan.FromSeconds(30), "the timeline rows to go");
        }

        return await CountAsync();
    }
}
