using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Crumbs.Web.Sessions;

/// <summary>
/// Sign-in throttling that an attacker cannot turn against the owner. Failures are counted per (handle, address) with
/// a tight limit, so one address that guesses is stopped while the owner, elsewhere, still signs in; and per handle
/// with a much higher ceiling, against guessing spread over many addresses. Every attempt from an address is also
/// counted (a well-kept fixed window), which bounds the password hashing one address can make the clones do.
/// The counters live in Redis, so the limits hold however the attempts are spread over the clones. Keys hold only
/// a normalized handle (at most 20 characters) and an IP address: their size is bounded.
/// </summary>
public sealed class SignInLimiter : IAsyncDisposable
{
    // Counts a failure under both keys; a new counter ends with the window.
    private const string CountFailure = """
        for i = 1, #KEYS do
          redis.call('INCR', KEYS[i])
          if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
        end
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly SignInLimits _options;
    private readonly PartitionedRateLimiter<string> _attemptsPerAddress;

    public SignInLimiter(IConnectionMultiplexer redis, IOptions<SignInLimits> options)
    {
        _redis = redis;
        _options = options.Value;
        _attemptsPerAddress = PartitionedRateLimiter.Create<string, string>(address =>
            RedisRateLimitPartition.GetFixedWindowRateLimiter($"signin:address:{address}", _ => new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                PermitLimit = _options.AttemptsPerAddress,
                Window = _options.Window,
            }));
    }

    /// <summary>Null when the attempt may go ahead; otherwise how long to wait.</summary>
    /// <param name="handle">The normalized handle, or null when the input was no handle at all.</param>
    public async Task<TimeSpan?> TryAttemptAsync(string? handle, string address, CancellationToken ct)
    {
        using (var lease = await _attemptsPerAddress.AcquireAsync(address, 1, ct))
        {
            if (!lease.IsAcquired)
            {
                return lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds)
                    : _options.Window;
            }
        }

        if (handle is null)
        {
            return null;
        }

        var database = _redis.GetDatabase();
        var keys = FailureKeys(handle, address);
        var counts = await database.StringGetAsync(keys);
        if ((int)counts[0] >= _options.FailuresPerHandleAndAddress || (int)counts[1] >= _options.FailuresPerHandle)
        {
            var wait = (int)counts[0] >= _options.FailuresPerHandleAndAddress
                ? await database.KeyTimeToLiveAsync(keys[0])
                : await database.KeyTimeToLiveAsync(keys[1]);
            return wait is { } left && left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1);
        }

        return null;
    }

    public Task FailedAsync(string handle, string address) =>
        _redis.GetDatabase().ScriptEvaluateAsync(CountFailure, FailureKeys(handle, address),
            [(long)_options.Window.TotalMilliseconds]);

    /// <summary>The owner got in from this address: its own failures are forgiven (the handle's ceiling is not).</summary>
    public Task SucceededAsync(string handle, string address) =>
        _redis.GetDatabase().KeyDeleteAsync(FailureKeys(handle, address)[0]);

    public ValueTask DisposeAsync() => _attemptsPerAddress.DisposeAsync();

    private static RedisKey[] FailureKeys(string handle, string address) =>
        [$"signin:failures:{handle}:{address}", $"signin:failures:{handle}"];
}

/// <summary>Crumbs:SignIn: the sign-in limits (see <see cref="SignInLimiter"/>).</summary>
public sealed class SignInLimits
{
    public const string Section = "Crumbs:SignIn";

    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Wrong passwords for one handle from one address before that address waits.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int FailuresPerHandleAndAddress { get; set; } = 10;

    /// <summary>Wrong passwords for one handle from everywhere before every address waits.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int FailuresPerHandle { get; set; } = 100;

    /// <summary>Sign-in attempts from one address, right or wrong, for any handle.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int AttemptsPerAddress { get; set; } = 300;
}
