using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Crumbs.Domain.Messaging;
using Dapper;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Publishes what the outbox holds, in every worker replica. Each batch locks its rows (FOR UPDATE SKIP LOCKED), so
/// replicas share the work instead of sending a row twice; a row is marked sent only after the broker confirmed it,
/// so a crash in between sends it again, which idempotent consumers absorb. It wakes on the insert trigger's NOTIFY
/// and polls every second besides, and after a broker outage simply retries until publishing works again.
/// </summary>
public sealed partial class OutboxRelay(NpgsqlDataSource db, MessagePublisher publisher, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BacklogInterval = TimeSpan.FromSeconds(2);

    // An aggregate's row is only taken when no earlier row of it is pending outside this batch, and a batch stops
    // at its first failure: so an aggregate's messages are published in order, whichever replica sends them.
    private const string TakeBatch = """
        with batch as (
            select id from outbox
            where sent_at is null and (retry_at is null or retry_at <= now())
            order by id limit @BatchSize for update skip locked
        )
        select o.id as Id, o.message_id as MessageId, o.queue as Queue, o.kind as Kind,
               o.aggregate_key as AggregateKey,
               o.payload::text as Payload, o.headers::text as Headers
        from outbox o join batch b on b.id = o.id
        where o.aggregate_key is null or not exists (
            select 1 from outbox e
            where e.aggregate_key = o.aggregate_key and e.sent_at is null and e.id < o.id
              and e.id not in (select id from batch))
        order by o.id
        """;

    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _backlog;
    private long _backlogCountedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        MessagingTelemetry.ObserveOutboxBacklog(() => Interlocked.Read(ref _backlog));
        var listening = ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CountBacklogAsync(stoppingToken);
                if (await RelayBatchAsync(stoppingToken) == BatchSize)
                {
                    continue; // more is waiting
                }

                await _wake.WaitAsync(PollInterval, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(logger, e);
                await Task.Delay(PollInterval, stoppingToken); // broker or database away: try again shortly
            }
        }

        await listening;
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = (await connection.QueryAsync<Row>(new CommandDefinition(
            TakeBatch, new { BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        var sent = new List<(long Id, DateTime At)>(pending.Count);
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

                // A row the broker refused (no such queue, a nack) waits a while, so it holds up no others; when the
                // broker is away the batch stops and the row is simply tried again.
                var refused = error is PublishException;
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    update outbox set attempts = attempts + 1, last_error = @error,
                        retry_at = case when @refused then now() + least(attempts + 1, 30) * interval '1 second' end
                    where id = @id
                    """,
                    new { id = wave[i].Id, error = $"{error.GetType().Name}: {error.Message}", refused },
                    transaction, cancellationToken: CancellationToken.None));
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
        await connection.ExecuteAsync(new CommandDefinition(
            """
            update outbox o set sent_at = s.confirmed_at, attempts = attempts + 1
            from unnest(@ids, @confirmedAt) as s(id, confirmed_at) where o.id = s.id
            """,
            new { ids = sent.Select(s => s.Id).ToArray(), confirmedAt = sent.Select(s => s.At).ToArray() },
            transaction, cancellationToken: CancellationToken.None));
        await transaction.CommitAsync(CancellationToken.None);
        if (brokerDown is not null)
        {
            throw new InvalidOperationException($"Publishing from the outbox stopped after {sent.Count} message(s).", brokerDown);
        }

        return sent.Count;
    }

    /// <summary>The first pending row of each aggregate (and every row without one); the rest wait for a later wave.</summary>
    private static (List<Row> Wave, List<Row> Later) NextWave(List<Row> pending, HashSet<string> held)
    {
        var wave = new List<Row>();
        var later = new List<Row>();
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
    private static Outgoing ToOutgoing(Row row)
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

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand("listen outbox", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                Wake(); // rows committed while nobody listened
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenFailed(logger, e); // the poll still runs meanwhile
                await Task.Delay(PollInterval, CancellationToken.None);
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private async Task CountBacklogAsync(CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _backlogCountedAt), now) < BacklogInterval)
        {
            return;
        }

        Interlocked.Exchange(ref _backlogCountedAt, now);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        Interlocked.Exchange(ref _backlog, await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from outbox where sent_at is null", cancellationToken: cancellationToken)));
    }

    private sealed record Row(long Id, Guid MessageId, string Queue, string Kind, string? AggregateKey, string Payload, string Headers);

    [LoggerMessage(LogLevel.Warning, "The outbox relay could not publish; it tries again shortly")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The broker refused outbox row {Id} for {Queue}; it stays pending")]
    private static partial void LogRowRefused(ILogger logger, Exception exception, long id, string queue);

    [LoggerMessage(LogLevel.Warning, "The outbox relay lost its LISTEN connection; polling meanwhile")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
