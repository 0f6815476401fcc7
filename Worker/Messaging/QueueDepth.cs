using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Crumbs.Domain.Messaging;
using RabbitMQ.Client;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Queue depth for the dashboard: every 5 s the messages waiting in each work queue and its dead-letter queue,
/// read with a passive declare (the broker's own count), published as the gauge crumbs.queue.depth.
/// </summary>
public sealed partial class QueueDepth(IConnection connection, MessagingMetrics metrics, ILogger<QueueDepth> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, long> _depths = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveQueueDepths(() => _depths.Select(d => new Measurement<long>(d.Value, MessagingTelemetry.QueueTag(d.Key))));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        do
        {
            try
            {
                await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                foreach (var queue in Queues.All.SelectMany(q => new[] { q, Queues.Dead(q) }))
                {
                    _depths[queue] = (await channel.QueueDeclarePassiveAsync(queue, stoppingToken)).MessageCount;
                }
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.AlreadyClosedException or TimeoutException)
            {
                LogUnavailable(logger, e);   // the broker is away, hung, or a queue is not declared yet: try again later
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Debug, "Queue depths could not be read")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
