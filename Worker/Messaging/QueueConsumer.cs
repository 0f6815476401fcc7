using System.Diagnostics;
using System.Text.Json;
using Crumbs.Domain.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Consumes one queue, competing with the other worker replicas: manual acks after the handler has finished and a
/// bounded prefetch. A failing message is republished to the delay queue of its next retry (which dead-letters it
/// back here when its TTL runs out) and acked, so other messages keep flowing; after the last retry, or at once when
/// it cannot be read, it is parked in "&lt;queue&gt;.dead" with the reason in its headers.
/// </summary>
public sealed partial class QueueConsumer<TMessage, THandler>(
    IConnection connection, MessagePublisher publisher, IServiceScopeFactory scopes, IOptions<RetryPolicy> retries,
    MessagingMetrics metrics, ILogger<QueueConsumer<TMessage, THandler>> logger)
    : BackgroundService
    where THandler : IMessageHandler<TMessage>
{
    private static readonly ushort Concurrency = THandler.Concurrency;
    private static readonly ushort Prefetch = (ushort)(4 * THandler.Concurrency);
    private static readonly KeyValuePair<string, object?> QueueTag = MessagingTelemetry.QueueTag(THandler.Queue);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = await StartConsumingAsync(stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>Opens the consuming channel, trying again while the broker is away (e.g. a replica starting during an outage).</summary>
    private async Task<IChannel> StartConsumingAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            IChannel? channel = null;
            try
            {
                // From here on the connection recovers this channel and its consumer by itself after a broker outage.
                channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(false, false, consumerDispatchConcurrency: Concurrency), stoppingToken);
                await QueueDeclarations.DeclareAsync(channel, retries.Value, stoppingToken);
                await channel.BasicQosAsync(0, Prefetch, global: false, stoppingToken);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, delivery) => ConsumeAsync(channel, delivery, stoppingToken);
                await channel.BasicConsumeAsync(THandler.Queue, autoAck: false, consumer, stoppingToken);
                return channel;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogStartFailed(logger, e, THandler.Queue);
                channel?.Dispose(); // closing a channel of a broken connection does not wait for the broker

                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task ConsumeAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var properties = delivery.BasicProperties;
        var retry = MessageHeaders.GetInt(properties.Headers, MessageHeaders.RetryCount);
        using var activity = MessagingTelemetry.Start("process", ActivityKind.Consumer, THandler.Queue,
            properties.MessageId ?? "", ParentOf(properties.Headers));
        activity?.SetTag("messaging.rabbitmq.retry", retry);
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (!TryRead(delivery, out var message, out var messageId, out var unreadable))
            {
                await ParkAsync(delivery, retry, unreadable, stoppingToken);
            }
            else
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<THandler>()
                        .HandleAsync(message, new Delivery(messageId, THandler.Queue, retry), stoppingToken);
                    metrics.Handled.Add(1, QueueTag);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    metrics.Failed.Add(1, QueueTag);
                    activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                    activity?.AddException(e);
                    LogFailed(logger, e, THandler.Queue, properties.MessageId, retry);
                    await RetryOrParkAsync(delivery, retry, e, stoppingToken);
                }
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Shutting down, or the broker went away mid-way: leave the message to be redelivered.
            LogNotSettled(logger, e, THandler.Queue, properties.MessageId);
            if (channel.IsOpen)
            {
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
            }
        }
        finally
        {
            metrics.HandlingDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, QueueTag);
        }
    }

    private Task RetryOrParkAsync(BasicDeliverEventArgs delivery, int retry, Exception error, CancellationToken cancellationToken)
    {
        if (retry >= retries.Value.MaxRetries)
        {
            return ParkAsync(delivery, retry, error, cancellationToken);
        }

        metrics.Retried.Add(1, QueueTag);
        return publisher.PublishAsync(new Outgoing(retries.Value.DelayQueue(THandler.Queue, retry + 1),
            CopyOf(delivery, retry + 1, error), delivery.Body), cancellationToken);
    }

    private Task ParkAsync(BasicDeliverEventArgs delivery, int retry, Exception reason, CancellationToken cancellationToken)
    {
        LogParked(logger, THandler.Queue, delivery.BasicProperties.MessageId, reason.GetType().Name);
        metrics.DeadLettered.Add(1, QueueTag);
        return publisher.PublishAsync(new Outgoing(Queues.Dead(THandler.Queue), CopyOf(delivery, retry, reason), delivery.Body), cancellationToken);
    }

    private static BasicProperties CopyOf(BasicDeliverEventArgs delivery, int retry, Exception error) =>
        new(delivery.BasicProperties)
        {
            Headers = new Dictionary<string, object?>(delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
            {
                [MessageHeaders.RetryCount] = retry,
                [MessageHeaders.ErrorType] = error.GetType().FullName,
                [MessageHeaders.ErrorMessage] = error.Message.Length > 1000 ? error.Message[..1000] : error.Message,
            },
        };

    private static bool TryRead(BasicDeliverEventArgs delivery, out TMessage message, out Guid messageId, out Exception error)
    {
        message = default!;
        error = null!;
        if (!Guid.TryParse(delivery.BasicProperties.MessageId, out messageId))
        {
            error = new FormatException("The message has no message id (a GUID), which idempotent handling needs.");
            return false;
        }

        try
        {
            message = JsonSerializer.Deserialize<TMessage>(delivery.Body.Span) ?? throw new JsonException("The message body is null.");
            return true;
        }
        catch (JsonException e)
        {
            error = e;
            return false;
        }
    }

    /// <summary>
    /// The trace the message was sent in. RabbitMQ.Client's own deliver span may already be current in it; if not,
    /// the traceparent header (written by the relay's publish) is the parent.
    /// </summary>
    private static ActivityContext ParentOf(IDictionary<string, object?>? headers)
    {
        var sent = MessageHeaders.ParentOf(headers);
        return Activity.Current is { } current && (sent == default || current.TraceId == sent.TraceId) ? current.Context : sent;
    }

    [LoggerMessage(LogLevel.Warning, "Handling a message from {Queue} failed (message {MessageId}, retry {Retry})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string queue, string? messageId, int retry);

    [LoggerMessage(LogLevel.Error, "Parked message {MessageId} of {Queue} in its dead-letter queue: {Reason}")]
    private static partial void LogParked(ILogger logger, string queue, string? messageId, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not start consuming {Queue}; trying again")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(LogLevel.Warning, "Left message {MessageId} of {Queue} for redelivery")]
    private static partial void LogNotSettled(ILogger logger, Exception exception, string queue, string? messageId);
}
