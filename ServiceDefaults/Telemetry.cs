namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The names of Crumbs' own meters and activity sources, so every service exports them. RabbitMQ.Client's
/// "RabbitMQ.Client.*" sources are not listed: Aspire.RabbitMQ.Client adds them with the connection.
/// </summary>
public static class Telemetry
{
    public const string Name = "Crumbs";

    public static readonly string[] MeterNames = [Name];

    public static readonly string[] ActivitySourceNames = [Name];
}
