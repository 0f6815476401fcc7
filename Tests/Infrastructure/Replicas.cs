using System.Collections.Concurrent;

namespace Crumbs.Tests.Infrastructure;

/// <summary>One running replica of a project: its name (as X-Served-By and the dashboard show it), process and own address.</summary>
public sealed record ReplicaInfo(string Name, int ProcessId, Uri? Address);

/// <summary>Follows the orchestrator's resource events, so tests can find, address, stop and kill single replicas.</summary>
public sealed class Replicas(DistributedApplication app) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _watching;

    public void Start() => _watching = Task.Run(async () =>
    {
        try
        {
            await foreach (var update in app.ResourceNotifications.WatchAsync(_stop.Token))
            {
                _latest[update.ResourceId] = update;
            }
        }
        catch (OperationCanceledException)
        {
            // The fixture is stopping.
        }
    });

    /// <summary>The replicas of a project resource that are running now.</summary>
    public IReadOnlyList<ReplicaInfo> Of(string resource) => _latest.Values
        .Where(e => e.Resource.Name == resource && e.Snapshot.State?.Text == KnownResourceStates.Running)
        .Select(e => (e.ResourceId, Pid: e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value))
        .Where(e => e.Pid is not null)
        .Select(e => Convert.ToInt32(e.Pid, System.Globalization.CultureInfo.InvariantCulture) is var pid
            ? new ReplicaInfo(e.ResourceId, pid, DirectAddress(pid))
            : null!)
        .OrderBy(r => r.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>Waits until the latest event of one replica (by its resource id) meets the condition.</summary>
    public async Task WaitForAsync(string name, Func<CustomResourceSnapshot, bool> condition, TimeSpan within, string what)
    {
        await Eventually.GetAsync(() => Task.FromResult<object?>(
            _latest.TryGetValue(name, out var e) && condition(e.Snapshot) ? e : null), within, $"{name} to be {what} (last state: {(_latest.TryGetValue(name, out var last) ? last.Snapshot.State?.Text : "unknown")})");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_watching is not null)
        {
            await _watching;
        }

        _stop.Dispose();
    }

    /// <summary>The address a replica listens on itself, behind the orchestrator's proxy (from its environment).</summary>
    private static Uri? DirectAddress(int processId)
    {
        try
        {
            var environment = File.ReadAllText($"/proc/{processId}/environ").Split('\0');
            var urls = environment.FirstOrDefault(v => v.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal))?.Split('=', 2)[1];
            return urls?.Split(';').Select(u => new Uri(u.Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal))).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
