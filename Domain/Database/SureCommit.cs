using Crumbs.Domain.Hosting;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Database;

/// <summary>
/// A commit whose answer is lost (Postgres hung while the COMMIT was on its way, and the statement timed out) may still
/// happen once the server wakes up. Then the caller must not answer "failed": it asks Postgres, on a new connection,
/// what became of the transaction, and waits while it is still in progress, at most <see cref="Timeouts.CommitOutcome"/>.
/// </summary>
public static class SureCommit
{
    /// <summary>Commits; throws only if the transaction did not commit (or its fate is still unknown after the wait).</summary>
    public static async Task CommitSurelyAsync(this NpgsqlTransaction transaction, NpgsqlDataSource db, CancellationToken ct)
    {
        var xid = await transaction.Connection!.ExecuteScalarAsync<string>(new CommandDefinition(
            "select pg_current_xact_id()::text", transaction: transaction, cancellationToken: ct));
        await transaction.CommitSurelyAsync(db, xid!, ct);
    }

    /// <summary>
    /// The same, with the transaction id read earlier (`select pg_current_xact_id()::text` in one of the transaction's
    /// own batches), which saves its round trip.
    /// </summary>
    public static async Task CommitSurelyAsync(this NpgsqlTransaction transaction, NpgsqlDataSource db, string xid, CancellationToken ct)
    {
        try
        {
            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException { IsTransient: true } or TimeoutException && !ct.IsCancellationRequested)
        {
            if (await OutcomeAsync(db, xid) != "committed")
            {
                throw;   // aborted, or still unknown: the caller answers 503 and the client tries again
            }
        }
    }

    private static async Task<string?> OutcomeAsync(NpgsqlDataSource db, string xid)
    {
        using var deadline = new CancellationTokenSource(Timeouts.CommitOutcome);
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(deadline.Token);
                var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "select pg_xact_status(@xid::xid8)", new { xid }, cancellationToken: deadline.Token));
                if (status != "in progress")
                {
                    return status;   // committed or aborted
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
            {
                // Still hung; try again until the deadline.
            }
        }

        return null;
    }
}
