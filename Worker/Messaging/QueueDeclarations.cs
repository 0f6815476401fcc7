using Crumbs.Domain.Messaging;
using RabbitMQ.Client;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// How the queues of <see cref="Queues"/> are declared on the broker: beside each work queue its delay queues (one per
/// retry) and its dead-letter queue.
/// </summary>
public static class QueueDeclarations
{
    /// <summary>Declares every queue (idempotent). All are quorum queues: replicated, durable, confirmed.</summary>
    public static async Task DeclareAsync(IChannel channel, RetryPolicy retries, CancellationToken cancellationToken)
    {
        foreach (var queue in Queues.All)
        {
            await DeclareAsync(channel, queue, [], cancellationToken);
            await DeclareAsync(channel, Queues.Dead(queue), [], cancellationToken);
            for (var retry = 1; retry <= retries.MaxRetries; retry++)
            {
                // A message waits out the queue's TTL, then is dead-lettered back to its work queue. At-least-once
                // dead-lettering (RabbitMQ 3.10+) keeps it until the work queue has confirmed it.
                await DeclareAsync(channel, retries.DelayQueue(queue, retry), new()
                {
                    ["x-message-ttl"] = (long)retries.DelayBefore(retry).TotalMilliseconds,
                    ["x-dead-letter-exchange"] = "",
                    ["x-dead-letter-routing-key"] = queue,
                    ["x-dead-letter-strategy"] = "at-least-once",
                    ["x-overflow"] = "reject-publish",
                }, cancellationToken);
            }
        }
    }

    private static Task<QueueDeclareOk> DeclareAsync(IChannel channel, string name, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        arguments["x-queue-type"] = "quorum";
        return channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false,
            arguments: arguments, cancellationToken: cancellationToken);
    }
}
