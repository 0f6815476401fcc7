using System.Diagnostics.Metrics;

namespace Crumbs.Web.Live;

/// <summary>Per clone (each replica exports its own): open live connections and the hints written to them.</summary>
public sealed class LiveTelemetry
{
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _delivered;

    public LiveTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Microsoft.Extensions.Hosting.Telemetry.Name);
        _connections = meter.CreateUpDownCounter<long>("crumbs.live.connections", "{connection}", "Open live connections on this clone");
        _delivered = meter.CreateCounter<long>("crumbs.live.delivered", "{message}", "Live messages written to this clone's connections");
    }

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);

    public void Delivered() => _delivered.Add(1);
}
