using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Crumbs.Web.Sessions;

/// <summary>
/// Limits sign-in attempts per handle and per client address. The counters live in Redis, so the limit holds
/// however the attempts are spread over the clones.
/// </summary>
public sealed class SignInLimiter : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<Attempt> _limiter;

    public SignInLimiter(IConnectionMultiplexer redis, IConfiguration configuration)
    {
        var window = configuration.GetValue("Crumbs:SignIn:Window", TimeSpan.FromMinutes(5));
        var perHandle = configuration.GetValue("Crumbs:SignIn:PerHandle", 10);
        var perAddress = configuration.GetValue("Crumbs:SignIn:PerAddress", 300);
        RateLimitPartition<string> Partition(string key, int limit) =>
            RedisRateLimitPartition.GetFixedWindowRateLimiter(key, _ => new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                PermitLimit = limit,
                Window = window,
            });

        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<Attempt, string>(a => Partition($"signin:handle:{a.Handle}", perHandle)),
            PartitionedRateLimiter.Create<Attempt, string>(a => Partition($"signin:address:{a.Address}", perAddress)));
    }

    /// <summary>Null when the attempt may go ahead; otherwise how long to wait.</summary>
    public async Task<TimeSpan?> TryAttemptAsync(string handle, string address, CancellationToken ct)
    {
        using var lease = await _limiter.AcquireAsync(new Attempt(handle.ToLowerInvariant(), address), 1, ct);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();

    private readonly record struct Attempt(string Handle, string Address);
}
