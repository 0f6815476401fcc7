using System.Text.Json;
using Crumbs.Domain.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Consumes one queue, competing with the other worker replicas: manual acks after the handler has finished,
/// and a bounded prefetch so one replica never hoards the queue.
/// </summary>
public sealed partial class QueueConsumer<TMessage, THandler>(
    IConnection connection, IServiceScopeFactory scopes, ILogger<QueueConsumer<TMessage, THandler>> logger)
    : BackgroundService
    where THandler : IMessageHandler<TMessage>
{
    private const ushort Prefetch = 16;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await Queues.DeclareAsync(channel, stoppingToken);
        await channel.BasicQosAsync(0, Prefetch, global: false, stoppingToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            try
            {
                var message = JsonSerializer.Deserialize<TMessage>(delivery.Body.Span)
                    ?? throw new JsonException("The message body is null.");
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(message, stoppingToken);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e, THandler.Queue, delivery.BasicProperties.MessageId);
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
            }
        };
        await channel.BasicConsumeAsync(THandler.Queue, autoAck: false, consumer, stoppingToken);

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    [LoggerMessage(LogLevel.Error, "Handling a message from {Queue} failed (message {MessageId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string queue, string? messageId);
}

public static class ConsumerRegistration
{
    public static IServiceCollection AddConsumer<THandler>(this IServiceCollection services)
        where THandler : class
    {
        var message = typeof(THandler).GetInterfaces()
            .Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IMessageHandler<>))
            .GetGenericArguments()[0];
        services.AddScoped<THandler>();
        services.AddSingleton(typeof(IHostedService), typeof(QueueConsumer<,>).MakeGenericType(message, typeof(THandler)));
        return services;
    }
}
