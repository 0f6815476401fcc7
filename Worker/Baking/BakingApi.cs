using Crumbs.ServiceDefaults;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Crumbs.Worker.Baking;

/// <summary>
/// "Bake now" for operators (the dashboard's command on the worker): whichever replica answers asks the lease holder
/// to bake at its next tick and waits for that bake, so baking stays with one replica at a time.
/// </summary>
public static class BakingApi
{
    private static readonly TimeSpan WaitAtMost = TimeSpan.FromSeconds(60);

    public sealed record BakeRun(string Owner, DateTime StartedAt, DateTime EndedAt, int Trending, int Suggestions);

    public static void MapBakingApi(this WebApplication app)
    {
        var bakes = app.MapOperatorGroup("/admin/bakes");
        bakes.MapPost("/", BakeNowAsync);
        bakes.MapGet("/", RecentAsync);
    }

    /// <summary>200 with the bake once it has run; 202 when it has not finished within a minute (it still will).</summary>
    private static async Task<Results<Ok<BakeRun>, Accepted>> BakeNowAsync(Lease lease, NpgsqlDataSource db, CancellationToken ct)
    {
        var requestedAt = await lease.RequestBakeAsync(ct);
        var deadline = DateTime.UtcNow + WaitAtMost;
        await using var connection = await db.OpenConnectionAsync(ct);
        while (DateTime.UtcNow < deadline)
        {
            var run = await connection.QueryFirstOrDefaultAsync<BakeRun>(new CommandDefinition(
                $"{Select} where started_at >= @requestedAt order by started_at limit 1", new { requestedAt }, cancellationToken: ct));
            if (run is not null)
            {
                return TypedResults.Ok(run);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Ok<List<BakeRun>>> RecentAsync(NpgsqlDataSource db, CancellationToken ct, int limit = 20)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok((await connection.QueryAsync<BakeRun>(new CommandDefinition(
            $"{Select} order by started_at desc limit @limit", new { limit }, cancellationToken: ct))).AsList());
    }

    private const string Select = "select owner, started_at as StartedAt, ended_at as EndedAt, trending, suggestions from bake_runs";
}
