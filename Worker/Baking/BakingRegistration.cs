namespace Crumbs.Worker.Baking;

public static class BakingRegistration
{
    /// <summary>The lease, the bakers and the schedule that runs them in whichever replica holds the lease.</summary>
    public static IServiceCollection AddBaking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BakingOptions>().Bind(configuration.GetSection(BakingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Lease>();
        services.AddSingleton<Bakery>();
        services.AddHostedService<BakeSchedule>();
        return services;
    }
}
