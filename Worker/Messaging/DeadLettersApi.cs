using Crumbs.Domain.Messaging;
using Crumbs.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using RabbitMQ.Client;

namespace Crumbs.Worker.Messaging;

/// <summary>
/// Operator endpoints for the dead-letter queues: look at what is parked, and replay it once the cause is fixed.
/// Guarded as every operator endpoint is (<see cref="OperatorEndpoints"/>).
/// </summary>
public static class DeadLettersApi
{
    public static void MapDeadLettersApi(this WebApplication app)
    {
        var deadLetters = app.MapOperatorGroup("/admin/dead-letters");
        deadLetters.MapGet("/{queue}", PeekAsync);
        deadLetters.MapPost("/{queue}/replay", ReplayAsync);
        deadLetters.MapPost("/replay", ReplayAllAsync);
    }

    private static async Task<Results<Ok<IReadOnlyList<DeadLetters.Parked>>, NotFound>> PeekAsync(
        string queue, IConnection connection, CancellationToken ct, int limit = 100) =>
        Queues.All.Contains(queue)
            ? TypedResults.Ok(await DeadLetters.PeekAsync(connection, queue, limit, ct))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<Replayed>, NotFound>> ReplayAsync(string queue, IConnection connection, CancellationToken ct) =>
        Queues.All.Contains(queue)
            ? TypedResults.Ok(new Replayed(await DeadLetters.ReplayAsync(connection, queue, ct)))
            : TypedResults.NotFound();

    private static async Task<Ok<Replayed>> ReplayAllAsync(IConnection connection, CancellationToken ct)
    {
        var replayed = 0;
        foreach (var queue in Queues.All)
        {
            replayed += await DeadLetters.ReplayAsync(connection, queue, ct);
        }

        return TypedResults.Ok(new Replayed(replayed));
    }

    public sealed record Replayed(int Count);
}
