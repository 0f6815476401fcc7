using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Crumbs:Diagnostics: every switch that exists for tests and benchmarks, in one place. Each is off unless set, and
/// none may be on in Production: a service started so refuses to start, naming the key.
/// </summary>
public sealed class DiagnosticsOptions
{
    public const string Section = "Crumbs:Diagnostics";

    /// <summary>Web: a request with X-Capture-Sql gets the SQL statements it ran back in a header (the no-JOIN proof).</summary>
    public bool SqlCapture { get; set; }

    /// <summary>Worker: a probe's failTimes makes the worker fail it that often first (retries and dead letters).</summary>
    public bool FailureInjection { get; set; }

    /// <summary>Web: /bench/* for ./crumbs bench.</summary>
    public bool BenchEndpoints { get; set; }

    public IEnumerable<string> KeysOn()
    {
        if (SqlCapture) yield return $"{Section}:{nameof(SqlCapture)}";
        if (FailureInjection) yield return $"{Section}:{nameof(FailureInjection)}";
        if (BenchEndpoints) yield return $"{Section}:{nameof(BenchEndpoints)}";
    }
}

public static class Diagnostics
{
    /// <summary>Binds the switches, refuses them in Production, and returns them for mapping decisions at start.</summary>
    public static DiagnosticsOptions AddDiagnostics(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DiagnosticsOptions.Section).Get<DiagnosticsOptions>() ?? new();
        if (builder.Environment.IsProduction() && options.KeysOn().ToList() is { Count: > 0 } on)
        {
            throw new OptionsValidationException(DiagnosticsOptions.Section, typeof(DiagnosticsOptions),
                [$"{string.Join(", ", on)}: diagnostics for tests and benchmarks are never on in Production."]);
        }

        builder.Services.AddSingleton(Options.Options.Create(options));
        return options;
    }
}
