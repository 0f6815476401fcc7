namespace Microsoft.Extensions.Hosting;

/// <summary>The names of Crumbs' own meters and activity sources, so every service exports them.</summary>
public static class Telemetry
{
    public const string Name = "Crumbs";

    public static readonly string[] MeterNames = [Name];

    public static readonly string[] ActivitySourceNames = [Name];
}
