using Microsoft.Extensions.Options;

namespace Crumbs.Worker.Baking;

/// <summary>
/// Runs in every worker replica; only the one holding the lease bakes. Each tick a replica takes or renews the
/// lease; the holder bakes when the last bake (by anyone) started an interval ago, or when someone asked for a bake
/// since ("Bake now").
/// </summary>
public sealed partial class BakeSchedule(Lease lease, Bakery bakery, IOptions<BakingOptions> options, ILogger<BakeSchedule> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var holding = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var standing = await lease.TakeOrRenewAsync(stoppingToken);
                if (standing.Held != holding)
                {
                    holding = standing.Held;
                    LogLease(logger, Lease.Owner, holding ? "took" : "does not hold");
                }

                if (standing.Held && IsDue(standing))
                {
                    await bakery.BakeAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }

            await Task.Delay(options.Value.Tick, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await lease.ReleaseAsync(cancellationToken); // hand over now rather than after the lease time
    }

    private bool IsDue(Lease.Standing standing) =>
        standing.LastBakeStartedAt is not { } last
        || standing.Now - last >= options.Value.Interval
        || standing.RequestedAt > last;

    [LoggerMessage(LogLevel.Information, "Replica {Replica} {Change} the baking lease")]
    private static partial void LogLease(ILogger logger, string replica, string change);

    [LoggerMessage(LogLevel.Warning, "Baking tick failed; trying again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
