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
    private const string IncrementAll = "for _, key in ipairs(KEYS) do redis.call('INCR', key) end";

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

    /// <summary>
    /// Moves the versions of many timelines on: one script call per thousand timelines, since an INCR each (a
    /// fan-out to 300 followers made 300 commands and 300 replies) was the worker's largest cost per post.
    /// </summary>
    public async Task BumpAsync(IEnumerable<long> userIds)
    {
        try
        {
            var database = redis.GetDatabase();
            await Task.WhenAll(userIds.Distinct().Chunk(1000).Select(ids =>
                database.ScriptEvaluateAsync(IncrementAll, [.. ids.Select(Key)])));
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
