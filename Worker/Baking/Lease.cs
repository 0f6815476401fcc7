using Crumbs.Domain.Hosting;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Worker.Baking;

/// <summary>
/// The right to bake, held by one worker replica at a time: a row in `leases` with an owner and an expiry, renewed
/// every tick by its owner. A replica that dies (SIGKILL included) stops renewing, and another takes the row once it
/// has expired, so the handover takes at most the lease time plus a tick. Every time comes from Postgres' clock,
/// so the replicas' own clocks do not matter.
/// </summary>
public sealed class Lease(NpgsqlDataSource db, IOptions<BakingOptions> options)
{
    public const string Name = "bake";

    /// <summary>This replica's standing: whether it holds the lease, and what the holder needs to decide to bake.</summary>
    public sealed record Standing(bool Held, DateTime Now, DateTime? RequestedAt, DateTime? LastBakeStartedAt);

    public static string Owner => Replica.Name;

    /// <summary>Takes the lease if it is free or expired, or renews it if this replica holds it.</summary>
    public async Task<Standing> TakeOrRenewAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var held = await connection.QuerySingleOrDefaultAsync<Standing>(new CommandDefinition(
            """
            insert into leases (name, owner, expires_at) values (@Name, @Owner, now() + @time)
            on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at
                where leases.owner = excluded.owner or leases.expires_at < now()
            returning true as Held, now() as Now, requested_at as RequestedAt,
                (select max(started_at) from bake_runs) as LastBakeStartedAt
            """, new { Name, Owner, time = options.Value.LeaseTime }, cancellationToken: ct));
        return held ?? new Standing(false, DateTime.UtcNow, null, null);
    }

    /// <summary>
    /// The fence before a bake commits: still ours and unexpired. It locks the row until the commit, so a replica
    /// taking over after expiry waits for this bake to finish, and two bakes never overlap.
    /// </summary>
    public static async Task<bool> IsHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select owner from leases where name = @Name and owner = @Owner and expires_at > clock_timestamp() for update",
            new { Name, Owner }, transaction, cancellationToken: ct)) is not null;

    /// <summary>Gives the lease up at once (on a graceful stop), so another replica need not wait for it to expire.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update leases set expires_at = now() - interval '1 second' where name = @Name and owner = @Owner",
            new { Name, Owner }, cancellationToken: ct));
    }

    /// <summary>Asks whichever replica holds the lease to bake at its next tick; returns when it was asked.</summary>
    public async Task<DateTime> RequestBakeAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
            """
            insert into leases (name, owner, expires_at, requested_at) values (@Name, '', '-infinity', now())
            on conflict (name) do update set requested_at = now()
            returning requested_at
            """, new { Name }, cancellationToken: ct));
    }
}
