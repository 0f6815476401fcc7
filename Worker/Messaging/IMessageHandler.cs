namespace Crumbs.Worker.Messaging;

/// <summary>
/// Handles the messages of one queue. A message can come twice (a redelivery after a crash, a duplicate publish
/// by the relay): handlers that write make that harmless with <see cref="Idempotency"/>.
/// Throwing sends the message to be retried later, then parked in the dead-letter queue.
/// </summary>
public interface IMessageHandler<in TMessage>
{
    static abstract string Queue { get; }

    /// <summary>How many of the queue's messages one replica handles at once; it takes four times as many ahead (prefetch).</summary>
    static virtual ushort Concurrency => 4;

    Task HandleAsync(TMessage message, Delivery delivery, CancellationToken cancellationToken);
}

/// <summary>What a handler knows about the delivery: the message's id (the idempotency key) and which try this is.</summary>
public sealed record Delivery(Guid MessageId, string Queue, int Retry);
