using Crumbs.Domain.Hosting;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Probes;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Web.Probes;

/// <summary>
/// Operator probes: send a message through RabbitMQ to whichever worker takes it, then read what it wrote to
/// Postgres and Redis. They show every piece of the system talking to every other.
/// </summary>
public static class ProbesApi
{
    public static void MapProbesApi(this WebApplication app)
    {
        var probes = app.MapGroup("/api/probes").WithTags("Probes");
        probes.MapPost("/", SendAsync);
        probes.MapGet("/{id:guid}", ReadAsync);
    }

    private static async Task<Accepted<ProbeSent>> SendAsync(MessagePublisher publisher, CancellationToken ct)
    {
        var probe = new ProbeSent(Guid.NewGuid(), Replica.Name);
        await publisher.PublishAsync(Queues.Probes, probe.Id, probe, ct);
        return TypedResults.Accepted($"/api/probes/{probe.Id}", probe);
    }

    private static async Task<Results<Ok<ProbeResult>, NotFound>> ReadAsync(
        Guid id, NpgsqlDataSource db, IConnectionMultiplexer redis, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(string SentBy, string HandledBy)?>(
            new CommandDefinition("select sent_by, handled_by from probe where id = @id", new { id }, cancellationToken: ct));
        var cachedBy = await redis.GetDatabase().StringGetAsync(ProbeSent.CacheKey(id));
        if (row is not { } handled || cachedBy.IsNull)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new ProbeResult(id, handled.SentBy, handled.HandledBy, cachedBy.ToString(), Replica.Name));
    }

    public sealed record ProbeResult(Guid Id, string SentBy, string HandledBy, string CachedBy, string ReadBy);
}
