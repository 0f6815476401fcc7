using System.Net;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Cache;

/// <summary>Runs alone: stopping Redis would disturb the other tests.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class RedisOutage;

/// <summary>Without Redis, reads fall back to Postgres and writes still commit; sessions (in Redis) get a clear 503.</summary>
[Collection(typeof(RedisOutage))]
public sealed class RedisOutageTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Without_redis_reads_come_from_postgres_writes_commit_sessions_get_503_and_all_recovers_after()
    {
        var ct = TestContext.Current.CancellationToken;
        using var alice = await UserSession.SignUpAsync(crumbs, "Alice Before");
        var post = await alice.PostAsync("readable without Redis");
        using var anonymous = new UserSession(crumbs, "x", "x");
        var newcomer = $"n{Guid.NewGuid():N}"[..12];
        var before = crumbs.Replicas.Of("web").ToDictionary(r => r.Name, r => r.ProcessId);
        try
        {
            await crumbs.App.ResourceCommands.ExecuteCommandAsync("cache", KnownResourceCommands.StopCommand, ct);
            await crumbs.App.ResourceNotifications.WaitForResourceAsync("cache",
                [KnownResourceStates.Exited, KnownResourceStates.Finished], ct).WaitAsync(TimeSpan.FromSeconds(60), ct);

            Assert.Equal("Alice Before", (await anonymous.GetAsync<ProfileDto>($"/api/users/{alice.Handle}")).DisplayName);
            Assert.Equal(post.Text, (await anonymous.GetAsync<PostDto>($"/api/posts/{post.Id}")).Text);
            Assert.Contains((await anonymous.GetAsync<PageDto<PostDto>>($"/api/users/{alice.Handle}/posts")).Items, p => p.Id == post.Id);

            using var signUp = await anonymous.SendAsync(HttpMethod.Post, "/api/accounts",
                new { handle = newcomer, displayName = "Written without Redis", password = UserSession.Password });
            Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);

            using var me = await alice.SendAsync(HttpMethod.Get, "/api/me");
            await BadInputTests.AssertProblemAsync(me, HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await crumbs.App.ResourceCommands.ExecuteCommandAsync("cache", KnownResourceCommands.StartCommand, ct);
            await crumbs.App.ResourceNotifications.WaitForResourceHealthyAsync("cache", ct).WaitAsync(TimeSpan.FromSeconds(90), ct);
        }

        // Back without restarting the apps: the session (kept on Redis' disk) works again, and a change made now is
        // seen by every clone at once, so none serves an old copy.
        var recovered = await Eventually.GetAsync(async () =>
        {
            using var response = await alice.SendAsync(HttpMethod.Get, "/api/me");
            return response.StatusCode == HttpStatusCode.OK ? "signed in" : null;
        }, TimeSpan.FromSeconds(60), "the session to work again");
        Assert.Equal("signed in", recovered);
        Assert.Equal("Written without Redis", (await anonymous.GetAsync<ProfileDto>($"/api/users/{newcomer}")).DisplayName);

        await Eventually.GetAsync(async () =>
        {
            using var edit = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "Alice After", bio = "" });
            return edit.StatusCode == HttpStatusCode.OK ? "saved" : null;
        }, TimeSpan.FromSeconds(30), "a profile edit after the outage");
        // "Without restart": the same processes, all of them, answered through the outage and after it.
        var after = crumbs.Replicas.Of("web").ToDictionary(r => r.Name, r => r.ProcessId);
        Assert.Equal(CrumbsApp.WebReplicas, after.Count);
        Assert.Equal(before.OrderBy(r => r.Key), after.OrderBy(r => r.Key));
        foreach (var replica in crumbs.Replicas.Of("web"))
        {
            await Eventually.GetAsync(async () =>
                (await anonymous.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address)).DisplayName == "Alice After" ? "fresh" : null,
                TimeSpan.FromSeconds(5), $"{replica.Name} to show the new name");
        }
    }
}
