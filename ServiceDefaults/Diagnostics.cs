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

    /// <summary>
    /// Web: a request with X-Skip-Distributed-Locker has its cache loads skip the distributed locker (each clone's own
    /// locker still holds), so the stampede test can show what that locker saves. Its answer says when it started and
    /// ended on the server (X-Request-Window).
    /// </summary>
    public bool SkipDistributedLocker { get; set; }

    /// <summary>
    /// Web: a request with X-Slow-Cache-Load: &lt;milliseconds&gt; (at most 10 000) has each of its cache loads take that
    /// much longer, so that concurrent requests surely meet a load in progress. Its answer says when it started and
    /// ended on the server (X-Request-Window).
    /// </summary>
    public bool SlowCacheLoads { get; set; }

    /// <summary>
    /// Web and Worker: a folder under which each replica, first thing in Program.cs, makes &lt;replica name&gt;/home and
    /// &lt;replica name&gt;/tmp and takes them as its HOME and TMPDIR, so a test can tell each clone's files apart.
    /// </summary>
    public string? PrivateFolders { get; set; }

    public IEnumerable<string> KeysOn()
    {
        if (SqlCapture) yield return $"{Section}:{nameof(SqlCapture)}";
        if (FailureInjection) yield return $"{Section}:{nameof(FailureInjection)}";
        if (BenchEndpoints) yield return $"{Section}:{nameof(BenchEndpoints)}";
        if (SkipDistributedLocker) yield return $"{Section}:{nameof(SkipDistributedLocker)}";
        if (SlowCacheLoads) yield return $"{Section}:{nameof(SlowCacheLoads)}";
        if (!string.IsNullOrEmpty(PrivateFolders)) yield return $"{Section}:{nameof(PrivateFolders)}";
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

    /// <summary>
    /// Crumbs:Diagnostics:PrivateFolders: gives this replica its own empty HOME and TMPDIR (&lt;path&gt;/&lt;replica&gt;/home and
    /// /tmp). The first call in Program.cs, before the host builder, so that everything after it (Data Protection's
    /// default key folder, Path.GetTempPath, the user profile folder) reads them. Never in Production, where
    /// <see cref="AddDiagnostics"/> then refuses the key.
    /// </summary>
    public static void UsePrivateFolders(string[] args, string replica)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var path = configuration[$"{DiagnosticsOptions.Section}:{nameof(DiagnosticsOptions.PrivateFolders)}"];
        var environment = configuration[HostDefaults.EnvironmentKey] ?? configuration["ASPNETCORE_ENVIRONMENT"]
            ?? configuration["DOTNET_ENVIRONMENT"] ?? Environments.Production;
        if (string.IsNullOrEmpty(path) || string.Equals(environment, Environments.Production, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        Environment.SetEnvironmentVariable("HOME", Directory.CreateDirectory(Path.Combine(path, replica, "home")).FullName);
        Environment.SetEnvironmentVariable("TMPDIR", Directory.CreateDirectory(Path.Combine(path, replica, "tmp")).FullName);
    }
}
