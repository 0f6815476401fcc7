namespace Crumbs.Domain.Probes;

/// <summary>
/// A round trip that shows the clones at work: a web replica sends it, a worker replica records it in Postgres
/// and Redis, and any web replica can read the result back. <paramref name="FailTimes"/> asks the worker to fail
/// that many attempts first (honoured only where Crumbs:Diagnostics:FailureInjection is on), to drive retries and dead letters.
/// </summary>
public sealed record ProbeSent(Guid Id, string SentBy, int FailTimes = 0)
{
    public static string CacheKey(Guid id) => $"probe:{id:N}";

    /// <summary>A Redis hash counting the worker's attempts at the probe and how many of them finished.</summary>
    public static string DeliveriesKey(Guid id) => $"probe:{id:N}:deliveries";
}
