using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace Crumbs.Worker.Messaging;

/// <summary>The worker's message metrics, on the "Crumbs" meter from <see cref="IMeterFactory"/>.</summary>
public sealed class MessagingMetrics(IMeterFactory meters)
{
    // The factory hands out one Meter per name, so each instrument is made once, here.
    private readonly Meter _meter = meters.Create(Telemetry.Name);

    public Counter<long> Handled { get; } = meters.Create(Telemetry.Name).CreateCounter<long>("crumbs.messages.handled", "{message}", "Messages handled successfully");
    public Counter<long> Failed { get; } = meters.Create(Telemetry.Name).CreateCounter<long>("crumbs.messages.failed", "{message}", "Handler failures (each attempt)");
    public Counter<long> Retried { get; } = meters.Create(Telemetry.Name).CreateCounter<long>("crumbs.messages.retried", "{message}", "Messages sent to a delay queue for another try");
    public Counter<long> DeadLettered { get; } = meters.Create(Telemetry.Name).CreateCounter<long>("crumbs.messages.dead_lettered", "{message}", "Messages parked in a dead-letter queue");
    public Histogram<double> HandlingDuration { get; } = meters.Create(Telemetry.Name).CreateHistogram<double>("crumbs.messages.handling.duration", "s", "Time spent in a handler");

    /// <summary>Pending outbox rows, as last counted by this replica's relay.</summary>
    public void ObserveOutboxBacklog(Func<long> backlog) =>
        _meter.CreateObservableGauge("crumbs.outbox.backlog", backlog, "{message}", "Outbox rows not yet published");

    /// <summary>Messages waiting in each queue, as last read by <see cref="QueueDepth"/>.</summary>
    public void ObserveQueueDepths(Func<IEnumerable<Measurement<long>>> depths) =>
        _meter.CreateObservableGauge("crumbs.queue.depth", depths, "{message}", "Messages waiting in a queue");
}

/// <summary>
/// Crumbs' own spans around messages, named after the OpenTelemetry messaging conventions so the dashboard groups
/// them with RabbitMQ.Client's own publish/deliver spans. (Activity sources have no factory; this is the one.)
/// </summary>
public static class MessagingTelemetry
{
    public static readonly ActivitySource Source = new(Telemetry.Name);

    public static KeyValuePair<string, object?> QueueTag(string queue) => new("messaging.destination.name", queue);

    /// <summary>A span with the messaging semantic-convention tags.</summary>
    public static Activity? Start(string operation, ActivityKind kind, string queue, string messageId, ActivityContext parent)
    {
        var activity = Source.StartActivity($"{operation} {queue}", kind, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.operation", operation);
        activity?.SetTag("messaging.destination.name", queue);
        activity?.SetTag("messaging.message.id", messageId);
        return activity;
    }
}
