namespace Crumbs.Domain.Hosting;

/// <summary>
/// The name of this clone among its replicas, as the dashboard shows it ("web-abcdwxyz"): the service name and the
/// OpenTelemetry instance id that the orchestrator gives each replica, or the host and process id where there is none.
/// </summary>
public static class Replica
{
    public static string Name { get; } =
        $"{Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? "crumbs"}-{InstanceId() ?? $"{Environment.MachineName}-{Environment.ProcessId}"}";

    private static string? InstanceId()
    {
        var attributes = Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? "";
        return attributes.Split(',', StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0] == "service.instance.id" && pair[1].Length > 0)
            .Select(pair => pair[1])
            .FirstOrDefault();
    }
}
