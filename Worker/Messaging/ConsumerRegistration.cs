namespace Crumbs.Worker.Messaging;

/// <summary>Registers a handler and the consumer that feeds it its queue's messages.</summary>
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
