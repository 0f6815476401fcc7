namespace Crumbs.Worker.Messaging;

/// <summary>Handles the messages of one queue. Handlers must be idempotent: a message can come twice.</summary>
public interface IMessageHandler<in TMessage>
{
    static abstract string Queue { get; }

    Task HandleAsync(TMessage message, CancellationToken cancellationToken);
}
