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
    private const string IncrementAll = "for _, key in ipairs(KEYS) do redis.call('INCR', key) end";
    private readonly IConnectionMultiplexer _redis;
    private readonly LocalInvalidation _invalidation;
    private readonly ILogger<TimelineVersions> _logger;
    private readonly LocalCopies<long, Version> _copies;
    private int _listening;

    public TimelineVersions(IConnectionMultiplexer redis, LocalInvalidation invalidation, IOptions<CacheOptions> options, ILogger<TimelineVersions> logger)
    {
        (_redis, _invalidation, _logger) = (redis, invalidation, logger);
        _copies = new LocalCopies<long, Version>(4L * 1024 * 1024, options.Value.LocalFor);
    }

    public static RedisKey Key(long userId) => $"timeline-version:{userId}";

    /// <summary>The current version, or null when Redis cannot say (then nothing is read from the page cache).</summary>
    public async Task<long?> CurrentAsync(long userId)
    {
        ListenOnce();
        try
        {
            return (await _copies.GetOrFetchAsync(userId, async () => (Version?)new Version(
                (long?)await _redis.GetDatabase().StringGetAsync(Key(userId)) ?? 0), _ => 64))!.Value;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, e);
            return null;
        }
    }

    /// <summary>The version this clone holds a copy of (never for a reader who must see their own writes).</summary>
    public bool TryGetLocal(long userId, out long version)
    {
        var found = _copies.TryGet(userId, out var copy);
        version = found ? copy.Value : 0;
        return found;
    }

    /// <summary>
    /// The current version from Redis and more keys' values in the same command (an MGET: one round trip where
    /// a cold timeline read used to make two); the version is kept as this clone's copy. Null when Redis cannot say.
    /// </summary>
    public async Task<(long? Version, RedisValue[] Others)> FetchWithAsync(long userId, params RedisKey[] others)
    {
        ListenOnce();
        var started = _copies.Begin();
        try
        {
            var values = await _redis.GetDatabase().StringGetAsync([Key(userId), .. others]);
            var version = (long?)values[0] ?? 0;
            _copies.Keep(userId, new Version(version), 64, started);
            return (version, values[1..]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, e);
            return (null, []);
        }
    }

    /// <summary>
    /// Moves the versions of many timelines on and tells every clone: one script call per thousand timelines, since an
    /// INCR each (a fan-out to 300 followers made 300 commands and 300 replies) was the worker's largest cost per post.
    /// </summary>
    public async Task BumpAsync(IEnumerable<long> userIds)
    {
        var ids = userIds.Distinct().ToList();
        _copies.Forget(ids);
        try
        {
            var database = _redis.GetDatabase();
            await Task.WhenAll(ids.Chunk(1000).Select(chunk => database.ScriptEvaluateAsync(IncrementAll, [.. chunk.Select(Key)])));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Pages cached before the change expire within their short lifetime (see CachedTimeline).
            LogUnavailable(_logger, e);
            return;
        }

        await _invalidation.PublishAsync(Channel, ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Moves one timeline's version on without telling the other clones: only for a change its owner made (their own
    /// post), since they read past every copy; anyone else's copy of it ends within <see cref="CacheOptions.LocalFor"/>.
    /// </summary>
    public async Task BumpQuietlyAsync(long userId)
    {
        _copies.Forget([userId]);
        try
        {
            await _redis.GetDatabase().StringIncrementAsync(Key(userId));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, e);
        }
    }

    public void Dispose() => _copies.Dispose();

    /// <summary>
    /// Only a clone that keeps copies (one that reads timelines: the web) needs the bumps; a worker that subscribed
    /// parsed every follower id of every fan-out for nothing. A copy kept before the subscription is active still ends
    /// within <see cref="CacheOptions.LocalFor"/>.
    /// </summary>
    private void ListenOnce()
    {
        if (Volatile.Read(ref _listening) == 0 && Interlocked.Exchange(ref _listening, 1) == 0)
        {
            _invalidation.Subscribe(Channel, ids => _copies.Forget(ids.Select(long.Parse)), _copies.ForgetAll);
        }
    }

    /// <summary>A version as a clone keeps it (a reference, so "not fetched" and 0 differ).</summary>
    private sealed record Version(long Value);

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable for timeline versions")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
