using Npgsql;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Tells the outbox relay that rows have committed: the outbox's insert trigger sends NOTIFY, heard here on a
/// connection of its own that LISTENs. If that connection is lost the relay still polls, so nothing waits for long.
/// </summary>
internal sealed partial class OutboxSignal(NpgsqlDataSource db, ILogger logger) : IDisposable
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _raised = new(0, 1);

    /// <summary>Returns when a NOTIFY arrives or the time is up, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan atMost, CancellationToken cancellationToken) => _raised.WaitAsync(atMost, cancellationToken);

    public async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Raise();
                await using (var listen = new NpgsqlCommand("listen outbox", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                Raise(); // rows committed while nobody listened
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
                LogListenFailed(logger, e);
                await Task.Delay(Reconnect, CancellationToken.None);
            }
        }
    }

    public void Dispose() => _raised.Dispose();

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

    [LoggerMessage(LogLevel.Warning, "The outbox relay lost its LISTEN connection; polling meanwhile")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
