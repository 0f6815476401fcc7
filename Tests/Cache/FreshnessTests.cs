using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Cache;

/// <summary>
/// Speed never buys staleness that users see. Each clone keeps its own copies of sessions, users, posts, timeline
/// versions and timeline pages for at most a second (Crumbs:Cache:LocalFor). The guarantees, on every replica:
/// a writer reads their own writes at once; everyone else sees a change within that second; a revoked session is
/// refused within that second. A stale answer is only possible while a copy made before the change still lives, so
/// any read that starts more than the bound after the change returned must be fresh: that is what is asserted.
/// </summary>
public sealed class FreshnessTests(CrumbsApp crumbs)
{
    /// <summary>The bound (Crumbs:Cache:LocalFor), plus the moment between a Redis reply and the copy it becomes.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_writer_reads_their_own_profile_posts_and_likes_on_every_other_replica_at_once()
    {
        var replicas = crumbs.Replicas.Of("web");
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var bob = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("read your writes");
        for (var round = 0; round < 6; round++)
        {
            var writer = replicas[round % replicas.Count];
            foreach (var replica in replicas)                            // every clone holds a copy of each
            {
                await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address);
                await alice.GetAsync<PageDto<PostDto>>("/api/timeline", replica.Address);
                await bob.GetAsync<PostDto>($"/api/posts/{post.Id}", replica.Address);
            }

            var name = $"Alice, round {round}";
            using (var edit = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = name, bio = "" }, writer.Address))
            {
                Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
            }

            var mine = await alice.PostAsync($"round {round}");
            using (var like = await bob.SendAsync(round % 2 == 0 ? HttpMethod.Put : HttpMethod.Delete, $"/api/posts/{post.Id}/like", replica: writer.Address))
            {
                Assert.Equal(HttpStatusCode.OK, like.StatusCode);
            }

            foreach (var replica in replicas.Where(r => r != writer))
            {
                Assert.Equal(name, (await alice.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address)).DisplayName);
                Assert.Equal(name, (await alice.GetAsync<ProfileDto>("/api/me", replica.Address)).DisplayName);
                Assert.Contains(mine.Id, (await alice.GetAsync<PageDto<PostDto>>("/api/timeline", replica.Address)).Items.Select(p => p.Id));
                Assert.Equal(round % 2 == 0 ? 1 : 0, (await bob.GetAsync<PostDto>($"/api/posts/{post.Id}", replica.Address)).LikeCount);
            }
        }
    }

    [Fact]
    public async Task Every_other_reader_sees_a_profile_change_within_the_bound_on_every_replica()
    {
        var replicas = crumbs.Replicas.Of("web");
        using var alice = await UserSession.SignUpAsync(crumbs, "Before");
        using var bob = await UserSession.SignUpAsync(crumbs);
        bob.ForgetFreshReads();                                           // bob has written nothing lately
        foreach (var replica in replicas)
        {
            Assert.Equal("Before", (await bob.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address)).DisplayName);
        }

        using (var edit = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "After", bio = "" }, replicas[0].Address))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var changed = Stopwatch.StartNew();
        await Task.WhenAll(replicas.Select(async replica =>
        {
            while (true)
            {
                var started = changed.Elapsed;
                var seen = (await bob.GetAsync<ProfileDto>($"/api/users/{alice.Handle}", replica.Address)).DisplayName;
                if (seen == "After")
                {
                    return;
                }

                Assert.True(started < Bound, $"{replica.Name} still showed the old name to a read started {started.TotalMilliseconds:0} ms after the change");
            }
        }));
    }

    [Fact]
    public async Task A_session_signed_out_everywhere_is_refused_within_the_bound_on_every_replica()
    {
        var replicas = crumbs.Replicas.Of("web");
        using var laptop = await UserSession.SignUpAsync(crumbs);
        using var phone = await laptop.SignInElsewhereAsync(replicas[2].Address);
        phone.ForgetFreshReads();
        foreach (var replica in replicas)                                 // every clone holds a copy of the phone's session
        {
            using var me = await phone.SendAsync(HttpMethod.Get, "/api/me", replica: replica.Address);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var signOut = await laptop.SendAsync(HttpMethod.Delete, "/api/sessions", replica: replicas[0].Address))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        var revoked = Stopwatch.StartNew();
        await Task.WhenAll(replicas.Select(async replica =>
        {
            while (true)
            {
                var started = revoked.Elapsed;
                using var me = await phone.SendAsync(HttpMethod.Get, "/api/me", replica: replica.Address);
                if (me.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return;
                }

                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
                Assert.True(started < Bound, $"{replica.Name} still served the revoked session to a read started {started.TotalMilliseconds:0} ms after");
            }
        }));
    }
}
