using System.Globalization;
using Crumbs.Tests.Infrastructure;

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
}
