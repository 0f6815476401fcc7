using Crumbs.Domain.Hosting;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Probes;
using Crumbs.Worker.Messaging;
using Dapper;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Worker.Probes;

/// <summary>Records a probe in Postgres and Redis, naming this worker replica. Idempotent: a redelivery changes nothing.</summary>
public sealed class ProbeHandler(NpgsqlDataSource db, IConnectionMultiplexer redis) : IMessageHandler<ProbeSent>
{
    public static string Queue => Queues.Probes;

    public async Task HandleAsync(ProbeSent message, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into probe (id, sent_by, handled_by) values (@Id, @SentBy, @handledBy) on conflict (id) do nothing",
            new { message.Id, message.SentBy, handledBy = Replica.Name }, cancellationToken: cancellationToken));
        await redis.GetDatabase().StringSetAsync(ProbeSent.CacheKey(message.Id), Replica.Name, TimeSpan.FromMinutes(10), When.NotExists);
    }
}
