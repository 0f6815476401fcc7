using System.Threading.RateLimiting;

namespace Crumbs.Web.Accounts;

/// <summary>
/// Password hashing is CPU work (PBKDF2, tens of milliseconds) that blocks the thread running it. A burst of sign-ins
/// once took every thread of the pool on a 2-core clone: Redis commands waited past their timeout to be written and
/// the clone's other requests failed. So at most half the cores hash at once; the rest wait for a turn without
/// holding a thread, and when too many wait the request answers 503 with Retry-After (<see cref="PasswordWorkBusyException"/>).
/// </summary>
public sealed class PasswordWork : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public PasswordWork() : this(Math.Max(1, Environment.ProcessorCount / 2), queue: 64) { }

    public PasswordWork(int atOnce, int queue) => _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
    {
        PermitLimit = atOnce,
        QueueLimit = queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Runs the hashing when its turn comes; throws <see cref="PasswordWorkBusyException"/> when the queue is full.</summary>
    public async Task<T> RunAsync<T>(Func<T> hashing, CancellationToken ct)
    {
        using var lease = await _limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired)
        {
            throw new PasswordWorkBusyException();
        }

        return hashing();
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Too many sign-ins, sign-ups or password changes wait on this clone: 503, try again shortly.</summary>
public sealed class PasswordWorkBusyException() : Exception("Too many password checks are waiting on this server.");
