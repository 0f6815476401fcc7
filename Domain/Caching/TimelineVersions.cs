using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// A number per user that changes whenever their home timeline does (fan-out, follow, unfollow, delete). Cached
/// timeline pages are keyed by it, so a change makes every old page of that user unreachable at once, without
/// finding and deleting them; they expire by themselves. Each clone keeps the versions it read for up to
/// <see cref="CacheOptions.LocalFor"/>; a bump tells every clone to drop its copy of those users' versions.
/// </summary>
public sealed partial class TimelineVersions : IDisposable
{
    private const string Channel = "crumbs:local:timeline-versions";
    private readonly IConnectionMultiplexer _redis;
    private readonly LocalInvalidation _invalidation;
    private readonly ILogger<TimelineVersions> _logger;
    private readonly LocalCopies<long, long> _copies;

    public TimelineVersions(IConnectionMultiplexer redis, LocalInvalidation invalidation, IOptions<CacheOptions> options, ILogger<TimelineVersions> logger)
    {
        (_redis, _invalidation, _logger) = (redis, invalidation, logger);
        _copies = new LocalCopies<long, long>(4L * 1024 * 1024, options.Value.LocalFor);
        invalidation.Subscribe(Channel, ids => _copies.Forget(ids.Select(long.Parse)), _copies.ForgetAll);
    }

    private static RedisKey Key(long userId) => $"timeline-version:{userId}";

    /// <summary>The current version, or null when Redis cannot say (then nothing is read from the page cache).</summary>
    public async Task<long?> CurrentAsync(long userId)
    {
        if (_copies.TryGet(userId, out var copy))
        {
            return copy;
        }

        try
        {
            var fetch = _copies.Begin();
            var version = (long?)await _redis.GetDatabase().StringGetAsync(Key(userId)) ?? 0;
            _copies.Keep(userId, version, 64, fetch);
            return version;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, e);
            return null;
        }
    }

    /// <summary>Moves the versions of many timelines on, in one pipelined batch, and tells every clone.</summary>
    public async Task BumpAsync(IEnumerable<long> userIds)
    {
        var ids = userIds.Distinct().ToList();
        _copies.Forget(ids);
        try
        {
            var database = _redis.GetDatabase();
            await Task.WhenAll(ids.Select(id => database.StringIncrementAsync(Key(id))));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Pages cached before the change expire within their short lifetime (see CachedTimeline).
            LogUnavailable(_logger, e);
            return;
        }

        await _invalidation.PublishAsync(Channel, ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public void Dispose() => _copies.Dispose();

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable for timeline versions")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
