using Crumbs.Domain.Live;
using StackExchange.Redis;

namespace Crumbs.Web.Live;

/// <summary>
/// Keeps this clone's connected readers online (<see cref="OnlineReaders"/>) while they stay connected; if the clone
/// dies, its entries lapse on their own. A disconnect removes nothing: another clone may hold the reader's other page.
/// </summary>
public sealed partial class LivePresence(LiveConnections connections, OnlineReaders online, ILogger<LivePresence> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(OnlineReaders.RefreshEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await online.MarkAsync(connections.Readers);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogRefreshFailed(logger, e);   // the next tick tries again, well within the entries' lifetime
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not refresh this clone's online readers")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
