namespace Crumbs.Worker.Messaging;

public static class Broker
{
    /// <summary>
    /// Connects the worker to RabbitMQ ("messaging") through the Aspire client integration (its health check, and
    /// RabbitMQ.Client's "RabbitMQ.Client.*" spans), with the retry schedule and the publisher. Only the worker talks
    /// to the broker: the web writes the outbox in Postgres, and the relay here publishes it.
    /// </summary>
    public static TBuilder AddBroker<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRabbitMQClient("messaging");
        builder.Services.AddOptions<RetryPolicy>().BindConfiguration(RetryPolicy.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MessagingMetrics>();
        builder.Services.AddSingleton<MessagePublisher>();
        return builder;
    }
}
