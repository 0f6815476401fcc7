using RabbitMQ.Client;

namespace Crumbs.Domain.Messaging;

/// <summary>The durable queues that carry work from the web clones to the worker replicas.</summary>
public static class Queues
{
    public const string Probes = "crumbs.probes";

    public static readonly string[] All = [Probes];

    /// <summary>Declares every queue (idempotent): quorum queues, replicated and durable by design.</summary>
    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        var arguments = new Dictionary<string, object?> { ["x-queue-type"] = "quorum" };
        foreach (var queue in All)
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                arguments: arguments, cancellationToken: cancellationToken);
        }
    }
}
