using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// Tells every clone to drop its own copies (<see cref="LocalCopies{TKey,TValue}"/>): one Redis pub/sub channel per
/// kind of copy, a message is the keys that changed. Messages can be lost (a clone reconnecting): then the copies
/// still end within their short lifetime, and a clone that reconnects drops all it has.
/// </summary>
public sealed partial class LocalInvalidation(IConnectionMultiplexer redis, ILogger<LocalInvalidation> logger)
{
    public void Subscribe(string channel, Action<string[]> forget, Action forgetAll)
    {
        redis.ConnectionRestored += (_, _) => forgetAll();
        _ = SubscribeAsync(channel, forget);
    }

    /// <summary>Best effort: the caller has changed Redis already; a lost message only costs the copies' lifetime.</summary>
    public async Task PublishAsync(string channel, IEnumerable<string> keys)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), string.Join(',', keys));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, e, channel);
        }
    }

    private async Task SubscribeAsync(string channel, Action<string[]> forget)
    {
        try
        {
            // Registered with the connection, so it is subscribed again after every reconnect.
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel),
                (_, message) => forget(((string?)message ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSubscribeFailed(logger, e, channel);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not tell the other clones to drop their copies on {Channel}; they expire by themselves")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(LogLevel.Warning, "Could not subscribe to {Channel}; this clone's copies expire by themselves")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string channel);
}
