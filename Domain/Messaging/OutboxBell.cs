using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Crumbs.Domain.Messaging;

/// <summary>
/// Wakes the outbox relay (Worker/Messaging/OutboxSignal.cs) once a transaction that wrote to the outbox has committed:
/// one Redis message, sent without waiting for its answer. Best effort: a relay that misses it finds the rows when it
/// next polls, within a second.
/// It used to be a NOTIFY from a trigger on the outbox. Postgres takes one lock for every notifying commit in the
/// database and holds it through the commit's WAL flush, so posts committed one at a time: during a write benchmark
/// 28% of the sampled backends waited on that lock at COMMIT, and the posts' row locks were held meanwhile.
/// </summary>
public sealed partial class OutboxBell(IConnectionMultiplexer redis, ILogger<OutboxBell> logger)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("crumbs:outbox");

    /// <summary>Call after the commit: a relay woken earlier would not see the rows yet.</summary>
    public void Ring()
    {
        try
        {
            redis.GetSubscriber().Publish(Channel, RedisValue.EmptyString, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRingFailed(logger, e);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Could not wake the outbox relay; it finds the rows when it next polls")]
    private static partial void LogRingFailed(ILogger logger, Exception exception);
}
