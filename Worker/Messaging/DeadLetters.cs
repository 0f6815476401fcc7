using Crumbs.Domain.Messaging;
using RabbitMQ.Client;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// The messages parked in "&lt;queue&gt;.dead" after their last retry (or at once when unreadable): an operator looks
/// at them, fixes the cause, and replays them to their work queue with a fresh retry count.
/// </summary>
public static class DeadLetters
{
    public sealed record Parked(string? MessageId, string? Type, int Retries, string? ErrorType, string? ErrorMessage);

    /// <summary>Looks at up to <paramref name="limit"/> parked messages without taking them off the queue.</summary>
    public static async Task<IReadOnlyList<Parked>> PeekAsync(IConnection connection, string queue, int limit, CancellationToken cancellationToken)
    {
        var parked = new List<Parked>();
        // Messages got without ack go back to the queue when the channel closes.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        while (parked.Count < limit && await channel.BasicGetAsync(Queues.Dead(queue), autoAck: false, cancellationToken) is { } message)
        {
            var headers = message.BasicProperties.Headers;
            parked.Add(new Parked(message.BasicProperties.MessageId, message.BasicProperties.Type,
                MessageHeaders.GetInt(headers, MessageHeaders.RetryCount),
                MessageHeaders.GetString(headers, MessageHeaders.ErrorType),
                MessageHeaders.GetString(headers, MessageHeaders.ErrorMessage)));
        }

        return parked;
    }

    /// <summary>
    /// Moves the messages parked now back to the work queue, each confirmed before it is removed from the dead
    /// queue (a crash in between duplicates it, which idempotent handlers absorb). Messages that fail again and
    /// land back in the dead queue meanwhile are not replayed twice in one call.
    /// </summary>
    public static async Task<int> ReplayAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        var parkedNow = await channel.MessageCountAsync(Queues.Dead(queue), cancellationToken);
        var replayed = 0;
        while (replayed < parkedNow && await channel.BasicGetAsync(Queues.Dead(queue), autoAck: false, cancellationToken) is { } message)
        {
            var properties = new BasicProperties(message.BasicProperties) { Persistent = true };
            properties.Headers = properties.Headers?
                .Where(header => !IsRetryState(header.Key))
                .ToDictionary(header => header.Key, header => header.Value);
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }

        return replayed;
    }

    private static bool IsRetryState(string header) =>
        header is MessageHeaders.RetryCount or MessageHeaders.ErrorType or MessageHeaders.ErrorMessage
        || header.StartsWith("x-death", StringComparison.Ordinal)
        || header.StartsWith("x-first-death", StringComparison.Ordinal)
        || header.StartsWith("x-last-death", StringComparison.Ordinal);
}
