using Crumbs.Domain.Messaging;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Decides which replica relays and tells it when rows have committed. One replica at a time holds a Postgres
/// session advisory lock on a connection of its own: only the holder relays and is woken by the outbox's bell
/// (<see cref="OutboxBell"/>, rung after each commit that wrote outbox rows), and the others stay idle, trying the
/// lock once a second. The lock ends with its session, so a replica that dies (SIGKILL included) hands over within a
/// second; one that freezes holds it at most <see cref="FrozenFor"/> (Postgres ends an idle session then). If the
/// connection or Redis is lost the relay still polls.
/// </summary>
internal sealed partial class OutboxSignal(NpgsqlDataSource db, IConnectionMultiplexer redis, ILogger logger) : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FrozenFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SteppedDownFor = TimeSpan.FromSeconds(5);

    // The two-key form of advisory locks: a key space of its own, apart from the bigint keys of aggregates and the schema.
    private const string TakeLead = "select pg_try_advisory_lock(20111, 1)";
    private readonly SemaphoreSlim _raised = new(0, 1);
    private volatile bool _leading;
    private volatile CancellationTokenSource? _term;

    /// <summary>Whether this replica relays now; the others leave the outbox alone.</summary>
    public bool Leading => _leading;

    /// <summary>
    /// Hands the lead to another replica for a while: this one cannot publish (e.g. its broker connection is broken),
    /// and the others may well be able to.
    /// </summary>
    public void StepDown()
    {
        try
        {
            _term?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Between two terms: nothing to give up.
        }
    }

    /// <summary>Returns when the bell rings (true) or the time is up (false), whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan atMost, CancellationToken cancellationToken) => _raised.WaitAsync(atMost, cancellationToken);

    public async Task ListenAsync(CancellationToken stoppingToken)
    {
        await HearBellAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            using var term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _term = term;
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                try
                {
                    await LeadAsync(connection, term.Token);
                }
                finally
                {
                    _leading = false;
                    await ReleaseAsync(connection);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (term.IsCancellationRequested)
            {
                // Stepped down: the others try first.
                await Task.Delay(SteppedDownFor, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e)
            {
                LogListenFailed(logger, e);
                await Task.Delay(Retry, CancellationToken.None);
            }
        }
    }

    public void Dispose() => _raised.Dispose();

    private async Task LeadAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        while (!await ExecuteAsync<bool>(connection, TakeLead, stoppingToken))
        {
            await Task.Delay(Retry, stoppingToken);
        }

        await ExecuteAsync<object>(connection, $"set idle_session_timeout = '{(int)FrozenFor.TotalMilliseconds}ms'", stoppingToken);
        _leading = true;
        Raise(); // rows committed while nobody led
        while (true)
        {
            // A statement now and then keeps the session from counting as idle while this replica lives.
            await Task.Delay(KeepAlive, stoppingToken);
            await ExecuteAsync<object>(connection, "select 1", stoppingToken);
        }
    }

    /// <summary>Every replica hears the bell; only the lead acts on it. Registered with the Redis connection, so it is
    /// heard again after every reconnect.</summary>
    private async Task HearBellAsync()
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(OutboxBell.Channel, (_, _) =>
            {
                if (_leading)
                {
                    Raise();
                }
            });
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogBellDeaf(logger, e);
        }
    }

    /// <summary>
    /// Gives the lead up at once (a graceful stop, a failed statement). The connection is unpooled
    /// (<see cref="SessionConnections"/>), so closing it ends the session anyway; this only says so sooner.
    /// </summary>
    private static async Task ReleaseAsync(NpgsqlConnection connection)
    {
        try
        {
            using var quickly = new CancellationTokenSource(Retry);
            await ExecuteAsync<object>(connection, "select pg_advisory_unlock_all(); reset idle_session_timeout", quickly.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            // The connection is broken: Postgres ends the session, and the lock with it.
        }
    }

    private static async Task<T?> ExecuteAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T?)await command.ExecuteScalarAsync(cancellationToken);
    }

    private void Raise()
    {
        try
        {
            _raised.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised: one wake-up is enough for any number of rows.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(LogLevel.Warning, "The outbox relay lost its lead connection; polling meanwhile")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The outbox relay could not subscribe to its bell; it polls every second")]
    private static partial void LogBellDeaf(ILogger logger, Exception exception);
}
