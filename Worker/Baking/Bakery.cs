using System.Diagnostics;
using System.Diagnostics.Metrics;
using Crumbs.Domain.Baking;
using Crumbs.Domain.Timelines;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Worker.Baking;

/// <summary>
/// One bake: trending and who-to-follow computed and stored in one transaction that commits only while this
/// replica still holds the lease, then copied to Redis, where requests read them first.
/// </summary>
public sealed partial class Bakery(NpgsqlDataSource db, IConnectionMultiplexer redis, Lease lease,
    IOptions<BakingOptions> options, Celebrities celebrities, IMeterFactory meters, ILogger<Bakery> logger)
{
    private readonly Histogram<double> _duration = meters.Create(Microsoft.Extensions.Hosting.Telemetry.Name).CreateHistogram<double>(
        "crumbs.bakes.duration", "s", "Time one bake of trending posts and follow suggestions took");
    private static readonly TimeSpan SuggestionsKeepFor = TimeSpan.FromDays(1);

    public async Task BakeAsync(CancellationToken stoppingToken)
    {
        // The lease is renewed while the bake runs; if it is lost, the bake stops and commits nothing.
        using var held = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewAsync(held);
        try
        {
            var started = Stopwatch.GetTimestamp();
            // Derived and idempotent, so outside the fenced transaction; first, so it is in Redis once the run is recorded.
            await celebrities.BakeAsync(db, held.Token);
            var (trending, suggestions) = await BakeUnderLeaseAsync(held.Token);
            var batch = redis.GetDatabase().CreateBatch();
            var writes = suggestions.Select(s => batch.StringSetAsync(Baked.SuggestionsKey(s.UserId), s.Payload, SuggestionsKeepFor))
                .Append(batch.StringSetAsync(Baked.TrendingKey, trending.Payload)).ToList();
            batch.Execute();
            await Task.WhenAll(writes);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            _duration.Record(seconds);
            LogBaked(logger, trending.Count, suggestions.Count, seconds * 1000);
        }
        finally
        {
            await held.CancelAsync();
            await renewing;
        }
    }

    private async Task<((string Payload, int Count) Trending, IReadOnlyList<(long UserId, string Payload)> Suggestions)> BakeUnderLeaseAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var startedAt = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("select clock_timestamp()", transaction: transaction, cancellationToken: ct));
        var trending = await TrendingBake.BakeAsync(connection, transaction, ct);
        var suggestions = await SuggestionsBake.BakeAsync(connection, transaction, options.Value.ActiveUsers, options.Value.SuggestionsRefreshAfter, ct);
        if (!await Lease.IsHeldAsync(connection, transaction, ct))
        {
            throw new LeaseLostException();
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into bake_runs (owner, started_at, ended_at, trending, suggestions)
            values (@owner, @startedAt, clock_timestamp(), @trending, @suggestions)
            """, new { owner = Lease.Owner, startedAt, trending = trending.Count, suggestions = suggestions.Count },
            transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return (trending, suggestions);
    }

    private async Task RenewAsync(CancellationTokenSource held)
    {
        try
        {
            while (!held.IsCancellationRequested)
            {
                await Task.Delay(options.Value.Tick, held.Token);
                if (!(await lease.TakeOrRenewAsync(held.Token)).Held)
                {
                    LogLeaseLost(logger);
                    await held.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The bake has ended.
        }
        catch (NpgsqlException e)
        {
            // Cannot renew: stop baking rather than risk baking beside the next holder (the fence would refuse it anyway).
            LogRenewFailed(logger, e);
            await held.CancelAsync();
        }
    }

    [LoggerMessage(LogLevel.Information, "Baked {Trending} trending posts and suggestions for {Users} users in {Milliseconds:0} ms")]
    private static partial void LogBaked(ILogger logger, int trending, int users, double milliseconds);

    [LoggerMessage(LogLevel.Warning, "Lost the baking lease during a bake; the bake is abandoned")]
    private static partial void LogLeaseLost(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Could not renew the baking lease; the bake is abandoned")]
    private static partial void LogRenewFailed(ILogger logger, Exception e);
}

/// <summary>The lease expired or passed to another replica before this bake could commit.</summary>
public sealed class LeaseLostException() : Exception("The baking lease was lost before the bake could commit.");
