using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// Redis gets a memory limit in every mode (Servers:RedisMaxMemory, 256mb by default) and, at the limit, evicts the
/// keys whose time to live ends soonest (volatile-ttl): cached objects and pages (minutes) and limiter counters go
/// long before sessions (days); keys without a TTL, such as the Data Protection key ring, are never evicted.
/// </summary>
public static partial class RedisMemory
{
    public const string Policy = "volatile-ttl";

    /// <summary>Servers:RedisMaxMemory in Redis' own units (e.g. 256mb, 1gb); a wrong value stops the AppHost.</summary>
    public static string MaxMemory(IConfiguration configuration)
    {
        var value = (configuration["Servers:RedisMaxMemory"] ?? "256mb").Trim().ToLowerInvariant();
        return Size().IsMatch(value) ? value : throw new DistributedApplicationException(
            $"Servers:RedisMaxMemory must be a size such as 256mb or 1gb, not '{value}'.");
    }

    /// <summary>Adds the limit and policy to the redis-server command line that Aspire's Redis container runs.</summary>
    public static IResourceBuilder<RedisResource> WithMemoryLimit(this IResourceBuilder<RedisResource> redis, string maxMemory) =>
        redis.WithArgs(context =>
        {
            // Aspire runs `/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD ..."`: the options belong in that string.
            for (var i = context.Args.Count - 1; i >= 0; i--)
            {
                if (context.Args[i] is string command && command.StartsWith("redis-server", StringComparison.Ordinal))
                {
                    context.Args[i] = $"{command} --maxmemory {maxMemory} --maxmemory-policy {Policy}";
                    return;
                }
            }

            throw new DistributedApplicationException(
                "Aspire's Redis container no longer runs `sh -c \"redis-server ...\"`: give it the memory limit another way.");
        });

    [GeneratedRegex("^[1-9][0-9]*(b|k|kb|m|mb|g|gb)?$")]
    private static partial Regex Size();
}
