using Microsoft.Extensions.Configuration;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// How web and worker export telemetry. With the dashboard (the default) Aspire tunes them for it: every trace,
/// batches each second, metrics each second. Without it (--Crumbs:Dashboard=false, e.g. ./crumbs bench) they export
/// as a deployment does: the SDK's intervals (5 s batches, 60 s metrics) and ServiceDefaults' sampling, to whatever
/// OTLP endpoint ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL (or ..._ENDPOINT_URL, gRPC) names.
/// OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG given to the AppHost are passed on in either case.
/// </summary>
public static class ProjectTelemetry
{
    public const string DashboardSetting = "Crumbs:Dashboard";

    /// <summary>What Aspire sets only for the dashboard's sake (OtlpConfigurationExtensions, in Development).</summary>
    private static readonly string[] DashboardTuning =
        ["OTEL_BLRP_SCHEDULE_DELAY", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_TRACES_SAMPLER", "OTEL_METRICS_EXEMPLAR_FILTER"];

    private static readonly string[] Passed = ["OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG"];

    /// <summary>The AppHost's builder, with or without the dashboard as Crumbs:Dashboard says (read before the builder exists).</summary>
    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        DashboardWanted(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build())
            ? DistributedApplication.CreateBuilder(args)
            : DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = true });

    /// <summary>Applies the rules above to every project; call it after the projects are declared.</summary>
    public static void ConfigureProjectTelemetry(this IDistributedApplicationBuilder builder)
    {
        var dashboard = DashboardWanted(builder.Configuration);
        var passed = Passed.Where(key => !string.IsNullOrWhiteSpace(builder.Configuration[key]))
            .ToDictionary(key => key, key => builder.Configuration[key]!);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // Added after Aspire's own callback, so it runs later and has the last word.
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                if (!dashboard)
                {
                    foreach (var key in DashboardTuning)
                    {
                        context.EnvironmentVariables.Remove(key);
                    }
                }

                foreach (var (key, value) in passed)
                {
                    context.EnvironmentVariables[key] = value;
                }
            }));
        }
    }

    private static bool DashboardWanted(IConfiguration configuration) => configuration.GetValue(DashboardSetting, true);
}
