using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Worker.Housekeeping;

/// <summary>
/// The worker's one housekeeping service: soon after start and then on its interval, it forgets what is long done
/// (sent outbox rows, processed-message records, probes, expired exports and jobs, pictures nobody uses) in small
/// batches. It runs beside the real work, never inside it: a failed prune costs nothing but a log line.
/// </summary>
public sealed partial class Housekeeper(NpgsqlDataSource db, IOptions<HousekeepingOptions> options, IMeterFactory meters,
    ILogger<Housekeeper> logger) : BackgroundService
{
    private readonly Counter<long> _pruned = meters.Create(Telemetry.Name)
        .CreateCounter<long>("crumbs.housekeeping.pruned", "{row}", "Rows deleted by housekeeping, by what they were");

    /// <summary>Runs every prune until nothing is left to delete; the rows deleted, by what they were.</summary>
    public async Task<Dictionary<string, int>> RunAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var parameters = new
        {
            batch = settings.BatchSize, settings.MessagesKeptFor, settings.ProbesKeptFor, settings.OrphanedMediaKeptFor,
        };
        var pruned = new Dictionary<string, int>();
        await using var connection = await db.OpenConnectionAsync(ct);
        foreach (var prune in Prunes.All)
        {
            var total = 0;
            int deleted;
            do
            {
                deleted = await connection.ExecuteAsync(new CommandDefinition(prune.Sql, parameters, cancellationToken: ct));
                total += deleted;
            }
            while (deleted == settings.BatchSize);

            pruned[prune.Name] = total;
            _pruned.Add(total, new KeyValuePair<string, object?>("what", prune.Name));
        }

        return pruned;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A little after start (a replica that never lives an interval still prunes), spread over the replicas.
        var wait = TimeSpan.FromSeconds(30 + Random.Shared.Next(30));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, stoppingToken);
                var pruned = await RunAsync(stoppingToken);
                LogPruned(logger, string.Join(", ", pruned.Select(p => $"{p.Key} {p.Value}")));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogFailed(logger, exception);
            }

            wait = options.Value.Interval;
        }
    }

    [LoggerMessage(LogLevel.Information, "Housekeeping pruned {Pruned}")]
    private static partial void LogPruned(ILogger logger, string pruned);

    [LoggerMessage(LogLevel.Warning, "Housekeeping failed; it tries again at its next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
