using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Crumbs.Domain.Messaging;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Publishes what the outbox holds, from one worker replica at a time (the lead, see <see cref="OutboxSignal"/>): two
/// relays woken by every commit cost Postgres a batch query and a commit each per post. Each batch still locks its rows
/// (FOR UPDATE SKIP LOCKED), so a handover never sends a row twice; a row is marked sent only after the broker
/// confirmed it, so a crash in between sends it again, which idempotent consumers absorb. Woken by the outbox's bell, it gathers
/// rows for <see cref="Gather"/> first, so a busy outbox goes out in batches rather than a transaction per row; it polls
/// every second besides, and after a broker outage simply retries until publishing works again.
/// </summary>
public sealed partial class OutboxRelay(NpgsqlDataSource db, SessionConnections sessions, IConnectionMultiplexer redis,
    MessagePublisher publisher, MessagingMetrics metrics, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BacklogInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);
    private const int FailuresBeforeStepDown = 3;

    private readonly OutboxSignal _signal = new(sessions.DataSource, redis, logger);
    private long _backlog; // read by the gauge on another thread
    private long _backlogCountedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveOutboxBacklog(() => Interlocked.Read(ref _backlog));
        var listening = _signal.ListenAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await HousekeepAsync(stoppingToken);
                if (_signal.Leading)
                {
                    var sent = await RelayBatchAsync(stoppingToken);
                    failures = 0;
                    if (sent == BatchSize)
                    {
                        continue; // more is waiting
                    }
                }

                if (await _signal.WaitAsync(PollInterval, stoppingToken) && _signal.Leading)
                {
                    await Task.Delay(Gather, stoppingToken); // rows committing meanwhile join this batch
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(logger, e);
                if (++failures >= FailuresBeforeStepDown)
                {
                    _signal.StepDown(); // perhaps only this replica cannot publish: another replica tries
                    failures = 0;
                }

                await Task.Delay(PollInterval, stoppingToken); // broker or database away: try again shortly
            }
        }

        await listening;
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = await OutboxRows.TakeAsync(transaction, BatchSize, cancellationToken);
        var sent = new List<(long Id, DateTime ConfirmedAt)>(pending.Count);
        var held = new HashSet<string>(); // aggregates whose earlier row failed in this batch
        Exception? brokerDown = null;
        while (pending.Count > 0 && brokerDown is null)
        {
            // A wave holds at most one row per aggregate, so rows whose order matters are never published side by side.
            var (wave, later) = NextWave(pending, held);
            Exception?[] errors;
            try
            {
                errors = await publisher.PublishAllAsync(wave.Select(ToOutgoing).ToList(), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                errors = [e, .. wave.Skip(1).Select(_ => (Exception?)null)];
                wave = wave.Take(1).ToList(); // no channel: nothing was published
            }

            for (var i = 0; i < wave.Count; i++)
            {
                if (errors[i] is not { } error)
                {
                    sent.Add((wave[i].Id, DateTime.UtcNow));
                    continue;
                }

                // The broker refusing one message must not hold up the others; the broker being away stops the batch.
                var refused = error is PublishException;
                await OutboxRows.MarkFailedAsync(transaction, wave[i].Id, error, refused);
                if (wave[i].AggregateKey is { } key)
                {
                    held.Add(key);
                }

                if (refused)
                {
                    LogRowRefused(logger, error, wave[i].Id, wave[i].Queue);
                }
                else
                {
                    brokerDown ??= error;
                }
            }

            pending = later;
        }

        // Published rows are marked even if stopping now; otherwise they would all be sent again.
        await OutboxRows.MarkSentAsync(transaction, sent);
        await transaction.CommitAsync(CancellationToken.None);
        if (brokerDown is not null)
        {
            throw new InvalidOperationException($"Publishing from the outbox stopped after {sent.Count} message(s).", brokerDown);
        }

        return sent.Count;
    }

    /// <summary>The first pending row of each aggregate (and every row without one); the rest wait for a later wave.</summary>
    private static (List<OutboxRows.Row> Wave, List<OutboxRows.Row> Later) NextWave(List<OutboxRows.Row> pending, HashSet<string> held)
    {
        var wave = new List<OutboxRows.Row>();
        var later = new List<OutboxRows.Row>();
        var inWave = new HashSet<string>();
        foreach (var row in pending)
        {
            if (row.AggregateKey is not { } key)
            {
                wave.Add(row);
            }
            else if (!held.Contains(key))
            {
                (inWave.Add(key) ? wave : later).Add(row);
            }
        }

        return (wave, later);
    }

    /// <summary>Published under the trace of the request that wrote the row, so the worker's handling joins that trace.</summary>
    private static Outgoing ToOutgoing(OutboxRows.Row row)
    {
        var headers = (JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers) ?? [])
            .ToDictionary(header => header.Key, object? (header) => header.Value);
        var properties = new BasicProperties
        {
            MessageId = row.MessageId.ToString(),
            Type = row.Kind,
            ContentType = "application/json",
            Headers = headers,
        };
        return new Outgoing(row.Queue, properties, Encoding.UTF8.GetBytes(row.Payload), MessageHeaders.ParentOf(headers));
    }

    /// <summary>Counts the backlog for the gauge every few seconds, (Worker/Housekeeping prunes sent rows).</summary>
    private async Task HousekeepAsync(CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_backlogCountedAt, now) < BacklogInterval)
        {
            return;
        }

        _backlogCountedAt = now;
        Interlocked.Exchange(ref _backlog, await OutboxRows.CountPendingAsync(db, cancellationToken));
    }

    [LoggerMessage(LogLevel.Warning, "The outbox relay could not publish; it tries again shortly")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The broker refused outbox row {Id} for {Queue}; it stays pending")]
    private static partial void LogRowRefused(ILogger logger, Exception exception, long id, string queue);
}
