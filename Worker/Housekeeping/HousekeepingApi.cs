using Crumbs.ServiceDefaults;

namespace Crumbs.Worker.Housekeeping;

/// <summary>"Prune now" for operators (the worker's dashboard command and the tests): runs housekeeping once, at once.</summary>
public static class HousekeepingApi
{
    public static WebApplicationBuilder AddHousekeeping(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HousekeepingOptions>().BindConfiguration(HousekeepingOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Housekeeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Housekeeper>());
        return builder;
    }

    public static void MapHousekeepingApi(this WebApplication app) =>
        app.MapOperatorGroup("/admin/housekeeping").MapPost("/", async (Housekeeper housekeeper, CancellationToken ct) =>
            TypedResults.Ok(await housekeeper.RunAsync(ct)));
}
