using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Timelines;

/// <summary>
/// Home timelines are kept only for users seen lately (Domain/Timelines/HomeFeeds.cs): the fan-out skips a follower
/// away longer than Crumbs:Timeline:ActiveFor, and their timeline is rebuilt, bounded, when they sign in again.
/// </summary>
public sealed class ActiveFollowersTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task An_away_follower_gets_no_fan_out_and_after_signing_in_reads_the_post_on_every_replica()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var present = await UserSession.SignUpAsync(crumbs);
        using var away = await UserSession.SignUpAsync(crumbs);
        var earlier = await author.PostAsync("before the follows");
        await present.FollowAsync(author.Handle);
        await away.FollowAsync(author.Handle);
        // The follow's backfill writes the author's newest posts whenever it runs: had it run after the post below,
        // it would have written that too. Its post arriving says it is done.
        await away.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == earlier.Id), "the follow's backfill");
        var replicas = crumbs.Replicas.Of("web").Select(r => r.Address!).ToList();
        foreach (var replica in replicas)
        {
            await TimelineAsync(away, replica);   // pages cached everywhere before the post: the rebuild must get past them
        }

        await SendAwayAsync(away.Handle);
        var post = await author.PostAsync("while you were away");
        await present.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == post.Id), "the fan-out to the present follower");
        Assert.False(await HasEntryAsync(away.Handle, post.Id), "the fan-out wrote to a follower who is away");

        await away.SignInAsync();
        Assert.True(await HasEntryAsync(away.Handle, post.Id), "signing in did not rebuild the timeline");
        foreach (var replica in replicas)
        {
            Assert.Contains((await TimelineAsync(away, replica)).Items, i => i.Id == post.Id);
        }

        // Back among the active: the next post reaches them by the fan-out again.
        var next = await author.PostAsync("and now that you are back");
        await away.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == next.Id), "the fan-out to the returned follower");
    }

    [Fact]
    public async Task The_rebuild_writes_at_most_the_newest_posts_and_a_second_one_changes_nothing()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        using var present = await UserSession.SignUpAsync(crumbs);
        var before = await author.PostAsync("before the follow");
        await reader.FollowAsync(author.Handle);
        await present.FollowAsync(author.Handle);
        await reader.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == before.Id), "the follow's backfill");

        await SendAwayAsync(reader.Handle);
        var missed = new List<long>();
        for (var i = 0; i < CrumbsApp.TimelineRebuildSize + 2; i++)
        {
            missed.Add((await author.PostAsync($"missed {i}")).Id);
        }

        foreach (var id in missed)
        {
            await present.TimelineEventuallyAsync(p => p.Items.Any(i => i.Id == id), "the fan-out, which skipped the reader");
        }

        Assert.Empty(await EntriesAsync(reader.Handle, missed));

        await reader.SignInAsync();
        var rebuilt = await EntriesAsync(reader.Handle, missed);
        Assert.Equal(missed.Order().TakeLast(CrumbsApp.TimelineRebuildSize), rebuilt);   // bounded: the newest only

        await SendAwayAsync(reader.Handle);
        await reader.SignInAsync();
        Assert.Equal(rebuilt, await EntriesAsync(reader.Handle, missed));                 // idempotent
        var page = await reader.TimelineAsync(limit: 100);
        Assert.Equal(page.Items.Select(p => p.Id).Distinct().Count(), page.Items.Count);
    }

    private static Task<PageDto<PostDto>> TimelineAsync(UserSession user, Uri replica) =>
        user.GetAsync<PageDto<PostDto>>("/api/timeline?limit=100", replica);

    /// <summary>As if their last sign-in or request were long ago.</summary>
    private async Task SendAwayAsync(string handle) =>
        await ExecuteAsync("update users set last_active_at = now() - interval '400 days' where handle = @handle", handle);

    private async Task<bool> HasEntryAsync(string handle, long postId) => (await EntriesAsync(handle, [postId])).Count == 1;

    private async Task<List<long>> EntriesAsync(string handle, IReadOnlyList<long> postIds)
    {
        await using var db = await crumbs.OpenDatabaseAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            """
            select post_id from timeline_entries
            where user_id = (select id from users where handle = @handle) and post_id = any(@ids) order by post_id
            """, db);
        command.Parameters.AddWithValue("handle", handle);
        command.Parameters.AddWithValue("ids", postIds.ToArray());
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task ExecuteAsync(string sql, string handle)
    {
        await using var db = await crumbs.OpenDatabaseAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("handle", handle);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }
}
