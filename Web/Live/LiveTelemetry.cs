using System.Diagnostics.Metrics;

namespace Crumbs.Web.Live;

/// <summary>Per clone (each replica exports its own): open live connections and the hints written to them.</summary>
public sealed class LiveTelemetry
{
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _published;

    public LiveTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Microsoft.Extensions.Hosting.Telemetry.Name);
        _connections = meter.CreateUpDownCounter<long>("crumbs.live.connections", "{connection}", "Open live connections on this clone");
        _delivered = meter.CreateCounter<long>("crumbs.live.delivered", "{message}", "Live messages written to this clone's connections");
        _published = meter.CreateCounter<long>("crumbs.live.published", "{message}", "Live messages this clone sent to a group through the backplane");
    }

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);

    public void Delivered() => _delivered.Add(1);

    public void Published() => _published.Add(1);
}
