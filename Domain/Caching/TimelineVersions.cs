using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// A number per user that changes whenever their home timeline does (fan-out, follow, unfollow, delete). Cached
/// timeline pages are keyed by it, so a change makes every old page of that user unreachable at once, without
/// finding and deleting them; they expire by themselves.
/// </summary>
public sealed partial class TimelineVersions(IConnectionMultiplexer redis, ILogger<TimelineVersions> logger)
{
    private static RedisKey Key(long userId) => $"timeline-version:{userId}";

    /// <summary>The current version, or null when Redis cannot say (then nothing is read from the page cache).</summary>
    public async Task<long?> CurrentAsync(long userId)
    {
        try
        {
            return (long?)await redis.GetDatabase().StringGetAsync(Key(userId)) ?? 0;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e);
            return null;
        }
    }

    /// <summary>Moves the versions of many timelines on, in one pipelined batch.</summary>
    public async Task BumpAsync(IEnumerable<long> userIds)
    {
        try
        {
            var database = redis.GetDatabase();
            await Task.WhenAll(userIds.Distinct().Select(id => database.StringIncrementAsync(Key(id))));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Pages cached before the change expire within their short lifetime (see TimelineCache).
            LogUnavailable(logger, e);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable for timeline versions")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
