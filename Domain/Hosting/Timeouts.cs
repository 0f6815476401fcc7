using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Domain.Hosting;

/// <summary>
/// THE TIMEOUT BUDGET: how long a call waits on a server that hangs (a dead one fails at once), so that a request
/// answers within a few seconds, committed (2xx) or not (503 with Retry-After). See docs/architecture.md. The worst
/// case, Postgres hanging while a COMMIT is on its way: 3 s to time out, 2 s to hand over the cancellation, 3 s to
/// find out whether it committed.
/// </summary>
public static class Timeouts
{
    /// <summary>Redis answers in a millisecond; a command still waiting after this is given up (library default: 5 s).</summary>
    public static readonly TimeSpan Redis = TimeSpan.FromSeconds(2);

    /// <summary>
    /// To open a connection, to wait for a free one in the pool, or to hand a timed-out statement's cancellation to the
    /// server (Npgsql's default: 15 s).
    /// </summary>
    public static readonly TimeSpan PostgresConnect = TimeSpan.FromSeconds(2);

    /// <summary>Any statement without a budget of its own (bakes, fan-out, seeding, the schema lock set theirs; default: 30 s).</summary>
    public static readonly TimeSpan PostgresCommand = TimeSpan.FromSeconds(3);

    /// <summary>How long a write whose COMMIT timed out asks Postgres whether it happened (see SureCommit).</summary>
    public static readonly TimeSpan CommitOutcome = TimeSpan.FromSeconds(3);

    /// <summary>How long a write waits, after its commit, for the caches to drop the old objects (see CacheInvalidation).</summary>
    public static readonly TimeSpan Invalidation = TimeSpan.FromMilliseconds(500);

    public static void Apply(ConfigurationOptions redis)
    {
        redis.ConnectTimeout = (int)Redis.TotalMilliseconds;
        redis.SyncTimeout = (int)Redis.TotalMilliseconds;
        redis.AsyncTimeout = (int)Redis.TotalMilliseconds;
        // The library's own dedicated I/O threads spin (sched_yield) waiting for work: under a light, latency-bound
        // load they took about 40% of web's and worker's CPU (dotnet-trace, docs/benchmarks.md). The shared pool does not.
        redis.SocketManager = SocketManager.ThreadPool;
        // Back within half a second of Redis answering again. The library's default backs off exponentially to 10 s
        // between tries, so after an outage of some seconds a clone could stay away from a Redis that was back.
        redis.ReconnectRetryPolicy = new LinearRetry(500);
    }

    public static void Apply(NpgsqlDataSourceBuilder db)
    {
        db.ConnectionStringBuilder.Timeout = (int)PostgresConnect.TotalSeconds;
        db.ConnectionStringBuilder.CommandTimeout = (int)PostgresCommand.TotalSeconds;
        db.ConnectionStringBuilder.CancellationTimeout = -1;   // a timed-out statement's connection is dropped at once (default: waits 2 s more)
    }
}
