using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// A changed post's cached object is replaced by a short tombstone in Redis (<see cref="PostObject.Bury"/>), and every
/// clone is told to drop its own copy. Posts whose tombstone could not be written (Redis away) are kept here and
/// buried as soon as the connection is back, so a copy older than a committed change does not live out its 10 minutes.
/// </summary>
public sealed partial class PostTombstones
{
    private readonly IConnectionMultiplexer _redis;
    private readonly LocalInvalidation _local;
    private readonly ILogger<PostTombstones> _logger;
    private readonly ConcurrentDictionary<long, byte> _pending = new();

    public PostTombstones(IConnectionMultiplexer redis, LocalInvalidation local, ILogger<PostTombstones> logger)
    {
        (_redis, _local, _logger) = (redis, local, logger);
        redis.ConnectionRestored += (_, _) => _ = RetryAsync();
    }

    public async Task BuryAsync(IReadOnlyCollection<long> ids)
    {
        foreach (var id in ids)
        {
            _pending[id] = 0;   // until Redis has the tombstone
        }

        await _redis.GetDatabase().ScriptEvaluateAsync(PostObject.Bury, [.. ids.Select(PostObject.Key)], [(long)PostObject.Tombstone.TotalSeconds]);
        foreach (var id in ids)
        {
            _pending.TryRemove(id, out _);
        }

        await _local.PublishAsync(PostObject.Channel, ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
    }

    private async Task RetryAsync()
    {
        var ids = _pending.Keys.ToList();
        if (ids.Count == 0)
        {
            return;
        }

        try
        {
            await BuryAsync(ids);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRetryFailed(_logger, e, ids.Count);   // still pending: the next reconnect tries again
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not bury {Count} changed posts' cached copies after Redis came back")]
    private static partial void LogRetryFailed(ILogger logger, Exception exception, int count);
}
