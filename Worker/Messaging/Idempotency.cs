using Dapper;
using Npgsql;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Applies a message at most once per consumer: the (consumer, message id) record and the handler's own writes
/// commit in one transaction, so a redelivery after a crash, or a duplicate publish, finds the record and changes nothing.
/// </summary>
public static class Idempotency
{
    /// <returns>True if the work ran and committed; false if this consumer had already applied the message.</returns>
    public static async Task<bool> ApplyOnceAsync(NpgsqlDataSource db, string consumer, Guid messageId,
        Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // A concurrent copy of the same message waits here on the primary key until the first one commits.
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "insert into processed_message (consumer, message_id) values (@consumer, @messageId) on conflict do nothing",
            new { consumer, messageId }, transaction, cancellationToken: cancellationToken));
        if (claimed == 0)
        {
            return false;
        }

        await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
