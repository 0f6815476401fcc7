using DbUp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crumbs.Domain.Database;

/// <summary>
/// Brings the schema up to date before a service starts taking work. Every replica runs it, but under one
/// Postgres advisory lock: the first applies the scripts in Migrations/, the others wait and find nothing to do.
/// </summary>
public sealed partial class SchemaUpgrade(NpgsqlDataSource dataSource, IConfiguration configuration, ILogger<SchemaUpgrade> logger)
    : IHostedService
{
    private const long LockKey = 0x637275_6d6273; // "crumbs"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Waits while another replica applies the scripts: that takes longer than a request's budget (Hosting/Timeouts).
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({LockKey})", connection) { CommandTimeout = 600 })
        {
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var result = DeployChanges.To
                .PostgresqlDatabase(configuration.GetConnectionString("db"))
                .WithScriptsEmbeddedInAssembly(typeof(SchemaUpgrade).Assembly, name => name.EndsWith(".sql", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogToNowhere()
                .Build()
                .PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Schema upgrade failed at {result.ErrorScript?.Name}.", result.Error);
            }

            LogApplied(logger, result.Scripts.Count());
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The first connection also loads Postgres' types, within the connect budget (Hosting/Timeouts). With every replica
    /// starting at once on a busy machine that can take longer: try again for a minute rather than fail the start.
    /// </summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken);
            }
            catch (NpgsqlException e) when (e.IsTransient && attempt < 20 && !cancellationToken.IsCancellationRequested)
            {
                LogOpenRetried(logger, e, attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Postgres did not answer in time at start (attempt {Attempt}); trying again")]
    private static partial void LogOpenRetried(ILogger logger, Exception exception, int attempt);

    [LoggerMessage(LogLevel.Information, "Schema up to date; {Count} script(s) applied by this replica")]
    private static partial void LogApplied(ILogger logger, int count);
}
