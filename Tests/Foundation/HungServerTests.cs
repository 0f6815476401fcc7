using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Foundation;

/// <summary>Runs alone: a frozen server would disturb the other tests.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class HungServer;

/// <summary>
/// A hung server, not a dead one: calls to it wait instead of failing at once. While one is frozen, posts are
/// written through every clone, and every write either commits and answers 201, or does not commit and answers a
/// 503 problem with Retry-After, within a few seconds.
/// </summary>
[Collection(typeof(HungServer))]
public sealed class HungServerTests(CrumbsApp crumbs)
{
    private const int Authors = 4;
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(6);      // longer than a client library's 5 s default
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);   // the longest any answer may take

    private sealed record Answer(UserSession Author, string Text, TimeSpan Sent, HttpStatusCode? Status, TimeSpan Took,
        string? RetryAfter, string? ContentType, long? Id, string? Error);

    [Theory]
    [InlineData("cache")]
    [InlineData("postgres")]
    [InlineData("messaging")]
    public async Task While_a_server_hangs_every_post_commits_with_201_or_answers_503_without_committing(string server)
    {
        var ct = TestContext.Current.CancellationToken;
        var authors = new List<UserSession>();
        for (var i = 0; i < Authors; i++)
        {
            authors.Add(await UserSession.SignUpAsync(crumbs));
        }

        using var reader = await UserSession.SignUpAsync(crumbs);
        foreach (var author in authors)
        {
            await reader.FollowAsync(author.Handle);
        }

        Assert.True(await ServerFreeze.AnswersAsync(crumbs, server), $"{server} answers before the freeze");
        var replicas = crumbs.Replicas.Of("web");
        var answers = new System.Collections.Concurrent.ConcurrentBag<Answer>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var writers = authors.Select((author, a) => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                answers.Add(await PostAsync(author, $"hung {server} {author.Handle} {n}", replicas[(a + n) % replicas.Count].Address, clock));
                await Task.Delay(150, ct);
            }
        }, ct)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var freeze = await ServerFreeze.StartAsync(crumbs, server);
        try
        {
            Assert.False(await ServerFreeze.AnswersAsync(crumbs, server), $"{server} must not answer while frozen");
            await Task.Delay(Hang, ct);
        }
        finally
        {
            await freeze.DisposeAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await crumbs.App.ResourceNotifications.WaitForResourceHealthyAsync(server, ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);   // a commit sent just before the freeze would have landed by now

        var all = answers.ToList();
        var summary = string.Join(", ", all.GroupBy(x => x.Error ?? x.Status?.ToString()).Select(g => $"{g.Key} × {g.Count()}"));
        var slowest = all.Max(x => x.Took);
        TestContext.Current.SendDiagnosticMessage($"{server} frozen for {Hang.TotalSeconds} s: {summary}; slowest {slowest.TotalSeconds:0.0} s");
        Assert.All(all, x => Assert.True(x.Error is null && x.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable,
            $"'{x.Text}', sent {x.Sent.TotalSeconds:0.0} s in (the freeze began at 1 s), answered {x.Error ?? x.Status.ToString()} after {x.Took.TotalSeconds:0.0} s ({summary})"));
        Assert.All(all, x => Assert.True(x.Took <= Budget, $"'{x.Text}' took {x.Took.TotalSeconds:0.0} s"));
        Assert.All(all.Where(x => x.Status == HttpStatusCode.ServiceUnavailable), x =>
        {
            Assert.False(string.IsNullOrEmpty(x.RetryAfter), $"503 for '{x.Text}' without Retry-After");
            Assert.Equal("application/problem+json", x.ContentType);
        });
        if (server == "messaging")
        {
            // The web only writes the outbox: a hung broker costs it nothing.
            Assert.All(all, x => Assert.Equal(HttpStatusCode.Created, x.Status));
        }

        // 201: the post is in Postgres; 503: it is not. Nothing else was written.
        var stored = await StoredPostsAsync(server);
        var created = all.Where(x => x.Status == HttpStatusCode.Created).ToList();
        Assert.All(created, x => Assert.True(stored.TryGetValue(x.Text, out var id) && id == x.Id, $"'{x.Text}' answered 201 but is not stored"));
        Assert.All(all.Where(x => x.Status == HttpStatusCode.ServiceUnavailable),
            x => Assert.False(stored.ContainsKey(x.Text), $"'{x.Text}' answered 503 but was committed"));
        Assert.Equal(created.Count, stored.Count);

        // And the caches catch up: every clone shows each author's count, and the reader's timeline has every post.
        using var anonymous = new UserSession(crumbs, "x", "x");
        foreach (var author in authors)
        {
            var count = created.Count(x => x.Author == author);
            foreach (var replica in replicas)
            {
                await Eventually.GetAsync(async () =>
                    (await anonymous.GetAsync<ProfileDto>($"/api/users/{author.Handle}", replica.Address)).PostCount == count ? "counted" : null,
                    TimeSpan.FromSeconds(45), $"{replica.Name} to count {count} posts of {author.Handle}");
            }
        }

        var database = new Database(crumbs);
        var readerId = await database.UserIdAsync(reader.Handle);
        var ids = created.Select(x => x.Id!.Value).ToArray();
        await Eventually.GetAsync(async () => await database.ScalarAsync<long>(
                "select count(*) from timeline_entries where user_id = @readerId and post_id = any(@ids)", ("readerId", readerId), ("ids", ids)) == ids.Length ? "fanned out" : null,
            TimeSpan.FromSeconds(60), $"the workers to fan out the {ids.Length} posts written while {server} hung");
        var newest = created.OrderByDescending(x => x.Id).Take(100).Select(x => x.Id!.Value).ToList();
        await reader.TimelineEventuallyAsync(page => page.Items.Select(p => p.Id).SequenceEqual(newest),
            $"the reader's timeline to show the {newest.Count} newest posts written while {server} hung");
        foreach (var session in authors)
        {
            session.Dispose();
        }
    }

    private static async Task<Answer> PostAsync(UserSession author, string text, Uri? replica, Stopwatch since)
    {
        var sent = since.Elapsed;
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await author.SendAsync(HttpMethod.Post, "/api/posts", new { text }, replica);
            var id = response.StatusCode == HttpStatusCode.Created
                ? (await response.Content.ReadFromJsonAsync<PostDto>(TestContext.Current.CancellationToken))!.Id
                : (long?)null;
            return new Answer(author, text, sent, response.StatusCode, clock.Elapsed, response.Headers.RetryAfter?.ToString(),
                response.Content.Headers.ContentType?.MediaType, id, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Answer(author, text, sent, null, clock.Elapsed, null, null, null, e.GetType().Name);
        }
    }

    private async Task<Dictionary<string, long>> StoredPostsAsync(string server)
    {
        await using var connection = await crumbs.OpenDatabaseAsync();
        await using var command = new Npgsql.NpgsqlCommand("select text, id from posts where text like @prefix", connection);
        command.Parameters.AddWithValue("prefix", $"hung {server} %");
        await using var rows = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var stored = new Dictionary<string, long>();
        while (await rows.ReadAsync(TestContext.Current.CancellationToken))
        {
            stored.Add(rows.GetString(0), rows.GetInt64(1));
        }

        return stored;
    }
}
