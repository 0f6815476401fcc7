using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every Crumbs service has: telemetry, health, service discovery and resilient HTTP clients.</summary>
public static class Extensions
{
    /// <summary>Liveness: the process answers. Readiness (/health) adds every dependency's check.</summary>
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Telemetry.MeterNames))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(Telemetry.ActivitySourceNames)
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .WithSampling(builder));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The share of root traces kept outside Development when OTEL_TRACES_SAMPLER does not say.</summary>
    public const double DeployedTraceRatio = 0.05;

    /// <summary>
    /// Parent-based ratio sampling: a request continues its caller's decision, a new trace is kept with a ratio.
    /// The standard OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG decide when set (the SDK reads them from
    /// configuration, and ignores them if a sampler is set here); otherwise Development keeps every trace (the
    /// dashboard and the trace tests need them all) and any other environment keeps a few percent.
    /// </summary>
    private static TracerProviderBuilder WithSampling(this TracerProviderBuilder tracing, IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_TRACES_SAMPLER"]) ? tracing
            : tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(
                builder.Environment.IsDevelopment() ? 1.0 : DeployedTraceRatio)));

    /// <summary>Maps /alive and /health in every environment: orchestrators probe them in production too.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health").DisableHttpMetrics();
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .DisableHttpMetrics();
        return app;
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");
}
