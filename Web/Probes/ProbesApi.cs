using System.Diagnostics;
using Crumbs.Domain.Hosting;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Probes;
using Crumbs.ServiceDefaults;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Web.Probes;

/// <summary>
/// Operator probes: send a message through the outbox and RabbitMQ to whichever worker takes it, then read what it
/// wrote to Postgres and Redis. They show every piece of the system talking to every other. Operator endpoints: they
/// need the operator key (a probe can ask a worker to fail, and fills the dead-letter queue).
/// </summary>
public static class ProbesApi
{
    /// <summary>The trace of the request that sent a probe, to find the worker's part of it.</summary>
    public const string TraceIdHeader = "X-Trace-Id";

    public static void MapProbesApi(this WebApplication app)
    {
        var probes = app.MapOperatorGroup("/api/probes");
        probes.MapPost("/", SendAsync);
        probes.MapGet("/{id:guid}", ReadAsync);
    }

    private static async Task<Accepted<ProbeSent>> SendAsync(
        NpgsqlDataSource db, OutboxBell bell, HttpResponse response, CancellationToken ct, int failTimes = 0)
    {
        var probe = new ProbeSent(Guid.NewGuid(), Replica.Name, failTimes);
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            // Nothing else to write for a probe; a real feature writes its change in this same transaction.
            await Outbox.EnqueueAsync(connection, transaction, Queues.Probes, probe.Id, probe, aggregateKey: null, ct);
            await transaction.CommitAsync(ct);
        }

        bell.Ring();

        response.Headers[TraceIdHeader] = Activity.Current?.TraceId.ToHexString();
        return TypedResults.Accepted($"/api/probes/{probe.Id}", probe);
    }

    private static async Task<Results<Ok<ProbeResult>, NotFound>> ReadAsync(
        Guid id, NpgsqlDataSource db, IConnectionMultiplexer redis, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(string SentBy, string HandledBy, int HandledCount, string? TraceId)?>(
            new CommandDefinition("select sent_by, handled_by, handled_count, trace_id from probe where id = @id",
                new { id }, cancellationToken: ct));
        var cache = redis.GetDatabase();
        var cachedBy = await cache.StringGetAsync(ProbeSent.CacheKey(id));
        if (row is not { } handled || cachedBy.IsNull)
        {
            return TypedResults.NotFound();
        }

        var deliveries = await cache.HashGetAsync(ProbeSent.DeliveriesKey(id), ["attempts", "handled"]);
        return TypedResults.Ok(new ProbeResult(id, handled.SentBy, handled.HandledBy, cachedBy.ToString(), Replica.Name,
            handled.HandledCount, handled.TraceId, (int)deliveries[0], (int)deliveries[1]));
    }

    /// <param name="AppliedCount">How often the probe was written to Postgres: 1 unless a duplicate got through.</param>
    /// <param name="Attempts">How often a worker tried it; <paramref name="Handled"/> how many of those finished.</param>
    public sealed record ProbeResult(Guid Id, string SentBy, string HandledBy, string CachedBy, string ReadBy,
        int AppliedCount, string? TraceId, int Attempts, int Handled);
}
