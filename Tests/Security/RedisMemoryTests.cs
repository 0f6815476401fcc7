using System.Globalization;
using Crumbs.Tests.Infrastructure;
using StackExchange.Redis;

namespace Crumbs.Tests.Security;

/// <summary>
/// Redis holds every session: it must not grow until the machine runs out of memory. It runs with a memory limit,
/// and what it evicts first is what expires soonest (cache entries, minutes), never sessions (days) before them.
/// </summary>
public sealed class RedisMemoryTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Redis_runs_with_a_memory_limit_and_evicts_what_expires_soonest()
    {
        var maxMemory = long.Parse(await RedisCommands.ConfigGetAsync(crumbs, "maxmemory"), CultureInfo.InvariantCulture);
        Assert.Equal(256L * 1024 * 1024, maxMemory);   // the default of Servers:RedisMaxMemory
        Assert.Equal("volatile-ttl", await RedisCommands.ConfigGetAsync(crumbs, "maxmemory-policy"));
    }

    [Fact]
    public async Task A_memory_limit_that_is_not_a_size_stops_the_app_host_naming_the_setting()
    {
        var data = Directory.CreateTempSubdirectory("crumbs-redis-limit-").FullName;
        try
        {
            var (exitCode, log) = await AppHostProcess.RunAsync(
                ["--Servers:Mode=local", $"--Servers:DataPath={data}", "--Servers:RedisMaxMemory=plenty"],
                environment: null, TimeSpan.FromSeconds(90));
            Assert.NotEqual(0, exitCode);
            Assert.Contains("Servers:RedisMaxMemory must be a size such as 256mb", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>volatile-ttl evicts by remaining TTL: this is the order the docs promise (docs/security.md).</summary>
    [Fact]
    public async Task Cache_entries_expire_in_minutes_sessions_in_days_and_the_key_ring_never()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var client = crumbs.CreateClient();
        using var profile = await client.GetAsync($"/api/users/{alice.Handle}", TestContext.Current.CancellationToken);
        profile.EnsureSuccessStatusCode();

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await crumbs.App.GetConnectionStringAsync("cache", TestContext.Current.CancellationToken))!);
        var server = redis.GetServers().Single();
        var db = redis.GetDatabase();
        async Task<List<TimeSpan?>> TtlsAsync(string pattern)
        {
            var ttls = new List<TimeSpan?>();
            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                ttls.Add(await db.KeyTimeToLiveAsync(key));
            }

            return ttls;
        }

        var cached = await TtlsAsync($"*handle:{alice.Handle}");   // FusionCache's entry for the profile's handle
        Assert.NotEmpty(cached);
        Assert.All(cached, ttl => Assert.InRange(ttl ?? TimeSpan.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(11)));

        var sessions = await TtlsAsync("session:*");
        Assert.NotEmpty(sessions);
        Assert.All(sessions, ttl => Assert.True(ttl > TimeSpan.FromDays(1), $"a session expires in {ttl}"));

        Assert.True(await db.KeyExistsAsync("data-protection-keys"));
        Assert.Null(await db.KeyTimeToLiveAsync("data-protection-keys"));   // no TTL: never evicted
    }
}
