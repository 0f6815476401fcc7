using Microsoft.Extensions.Configuration;

namespace Crumbs.Domain.Database;

/// <summary>
/// How many Postgres connections one process keeps at most (Crumbs:Database:MaxPoolSize, 8 by default; Npgsql's own
/// default is 100). A request that finds them all busy waits for one in the process, which costs little; a statement
/// that runs beside thirty others costs Postgres more CPU than the same statement beside a few (more processes to
/// switch between on its cores, more contention on its shared buffers and locks). Measured on two cores with 32
/// concurrent readers on one replica, a cap of 8 cut Postgres' CPU per read by 21–29% (the denormalized table, the
/// cold home timeline) and per post by 14% (docs/benchmarks.md, round thirteen). Size it to the database's cores,
/// divided among the replicas, not to the request concurrency.
/// </summary>
public static class ConnectionPool
{
    public const string Key = "Crumbs:Database:MaxPoolSize";
    public const int DefaultSize = 8;

    public static int Size(IConfiguration configuration)
    {
        var size = configuration.GetValue(Key, DefaultSize);
        return size >= 1 ? size : throw new InvalidOperationException($"{Key} must be at least 1; it is {size}.");
    }
}
