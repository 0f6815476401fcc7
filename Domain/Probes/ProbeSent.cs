namespace Crumbs.Domain.Probes;

/// <summary>
/// A round trip that shows the clones at work: a web replica sends it, a worker replica records it in Postgres
/// and Redis, and any web replica can read the result back.
/// </summary>
public sealed record ProbeSent(Guid Id, string SentBy)
{
    public static string CacheKey(Guid id) => $"probe:{id:N}";
}
