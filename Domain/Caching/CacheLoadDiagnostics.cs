namespace Crumbs.Domain.Caching;

/// <summary>
/// What one request asks of its own cache loads, for the stampede test and its negative control. Only the web host sets
/// it, per request and only when its Crumbs:Diagnostics switches allow (never in Production; Web/Hosting/CacheDiagnostics.cs);
/// <see cref="CacheTelemetry.GetOrLoadAsync"/> honours it. It flows with the request's async calls, as SqlCapture's list does.
/// </summary>
public static class CacheLoadDiagnostics
{
    private static readonly AsyncLocal<Request?> Current = new();

    /// <param name="SkipDistributedLocker">This request's loads skip the distributed locker (the per-process one still holds).</param>
    /// <param name="SlowLoad">This request's loads take this much longer, so that concurrent requests surely meet a load in progress.</param>
    public sealed record Request(bool SkipDistributedLocker, TimeSpan SlowLoad);

    public static Request? ForThisRequest => Current.Value;

    /// <summary>Applies to the rest of the calling request (its async flow).</summary>
    public static void Set(Request request) => Current.Value = request;
}
