using System.Globalization;
using System.Threading.RateLimiting;
using Crumbs.Web.Accounts;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Crumbs.Web.Quotas;

/// <summary>
/// Per-user quotas, counted in Redis (fixed windows of the RedisRateLimiting library), so they hold however a
/// user's requests are spread over the clones. The key names only the quota and a user id or an IP address.
/// </summary>
public sealed partial class Quotas : IAsyncDisposable
{
    private readonly Dictionary<Quota, PartitionedRateLimiter<string>> _limiters;
    private readonly ILogger<Quotas> _logger;

    public Quotas(IConnectionMultiplexer redis, IOptions<QuotaLimits> options, ILogger<Quotas> logger)
    {
        _logger = logger;
        _limiters = Enum.GetValues<Quota>().ToDictionary(quota => quota, quota =>
        {
            var limit = options.Value.Of(quota);
            return PartitionedRateLimiter.Create<string, string>(who =>
                RedisRateLimitPartition.GetFixedWindowRateLimiter($"quota:{quota}:{who}", _ => new RedisFixedWindowRateLimiterOptions
                {
                    ConnectionMultiplexerFactory = () => redis,
                    PermitLimit = limit.Limit,
                    Window = limit.Window,
                }));
        });
    }

    /// <summary>Null when the action may go ahead (and is counted); otherwise how long to wait.</summary>
    public async Task<TimeSpan?> TakeAsync(Quota quota, HttpContext http)
    {
        var who = quota == Quota.SignUps || http.User.Identity?.IsAuthenticated != true
            ? http.Connection.RemoteIpAddress?.ToString() ?? "unknown"
            : http.User.Id().ToString(CultureInfo.InvariantCulture);
        RateLimitLease lease;
        try
        {
            lease = await _limiters[quota].AcquireAsync(who, 1, http.RequestAborted);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Quotas guard against abuse, not against an outage: without Redis the write goes ahead (and commits).
            LogQuotaUncounted(_logger, exception, quota);
            return null;
        }

        using var _ = lease;
        if (lease.IsAcquired)
        {
            return null;
        }

        // The library's own metadata: whole seconds until the window ends.
        return lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var limiter in _limiters.Values)
        {
            await limiter.DisposeAsync();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable: {Quota} went ahead uncounted")]
    private static partial void LogQuotaUncounted(ILogger logger, Exception exception, Quota quota);
}
