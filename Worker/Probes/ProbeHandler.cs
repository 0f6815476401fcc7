using System.Diagnostics;
using Crumbs.Domain.Hosting;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Probes;
using Crumbs.Worker.Messaging;
using Dapper;
using StackExchange.Redis;
using Npgsql;

namespace Crumbs.Worker.Probes;

/// <summary>
/// Records a probe in Postgres and Redis, naming this worker replica and the trace it was handled in. Applied once
/// per message id: the count it bumps would show a duplicate that got through.
/// </summary>
public sealed class ProbeHandler(NpgsqlDataSource db, IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<DiagnosticsOptions> diagnostics)
    : IMessageHandler<ProbeSent>
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    public static string Queue => Queues.Probes;

    public async Task HandleAsync(ProbeSent message, Delivery delivery, CancellationToken cancellationToken)
    {
        var cache = redis.GetDatabase();
        var deliveries = ProbeSent.DeliveriesKey(message.Id);
        var attempt = await cache.HashIncrementAsync(deliveries, "attempts");
        await cache.KeyExpireAsync(deliveries, Keep);
        if (attempt <= message.FailTimes && diagnostics.Value.FailureInjection)
        {
            throw new ProbeFailureException($"Probe {message.Id} asked to fail {message.FailTimes} time(s); this was attempt {attempt}.");
        }

        await Idempotency.ApplyOnceAsync(db, nameof(ProbeHandler), delivery.MessageId, (connection, transaction) =>
            connection.ExecuteAsync(new CommandDefinition(
                """
                insert into probe (id, sent_by, handled_by, trace_id) values (@Id, @SentBy, @handledBy, @traceId)
                on conflict (id) do update set handled_count = probe.handled_count + 1
                """,
                new { message.Id, message.SentBy, handledBy = Replica.Name, traceId = Activity.Current?.TraceId.ToHexString() },
                transaction, cancellationToken: cancellationToken)), cancellationToken);
        await cache.StringSetAsync(ProbeSent.CacheKey(message.Id), Replica.Name, Keep, When.NotExists);
        await cache.HashIncrementAsync(deliveries, "handled");
    }
}

/// <summary>The failure a probe asks for, to exercise retries and dead letters.</summary>
public sealed class ProbeFailureException(string message) : Exception(message);
