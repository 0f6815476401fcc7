using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Crumbs' own spans and metrics around messages, named after the OpenTelemetry messaging conventions so the
/// dashboard groups them with RabbitMQ.Client's own publish/deliver spans.
/// </summary>
public static class MessagingTelemetry
{
    public static readonly ActivitySource Source = new(Telemetry.Name);

    private static readonly Meter Meter = new(Telemetry.Name);

    public static readonly Counter<long> Handled = Meter.CreateCounter<long>("crumbs.messages.handled", "{message}", "Messages handled successfully");
    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("crumbs.messages.failed", "{message}", "Handler failures (each attempt)");
    public static readonly Counter<long> Retried = Meter.CreateCounter<long>("crumbs.messages.retried", "{message}", "Messages sent to a delay queue for another try");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("crumbs.messages.dead_lettered", "{message}", "Messages parked in a dead-letter queue");
    public static readonly Histogram<double> HandlingDuration = Meter.CreateHistogram<double>("crumbs.messages.handling.duration", "s", "Time spent in a handler");

    /// <summary>Pending outbox rows, as last counted by this replica's relay.</summary>
    public static void ObserveOutboxBacklog(Func<long> backlog) =>
        Meter.CreateObservableGauge("crumbs.outbox.backlog", backlog, "{message}", "Outbox rows not yet published");

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
