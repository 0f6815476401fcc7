using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace Crumbs.Tests.Unit;

/// <summary>Password hashing takes turns: a bounded number at once, a bounded queue, and 503 beyond it.</summary>
public sealed class PasswordWorkTests
{
    [Fact]
    public async Task Hashing_runs_one_at_a_time_and_a_full_queue_answers_503()
    {
        using var work = new PasswordWork(atOnce: 1, queue: 1);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var most = 0;
        int Hash()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            release.Wait(TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref running);
            return now;
        }

        var first = Task.Run(() => work.RunAsync(Hash, CancellationToken.None));
        await Eventually(() => Volatile.Read(ref running) == 1);
        var second = work.RunAsync(Hash, CancellationToken.None);   // queued: its turn comes after the first
        Assert.False(second.IsCompleted);

        var third = await Assert.ThrowsAsync<PasswordWorkBusyException>(() => work.RunAsync(Hash, CancellationToken.None));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ErrorStatus.For(third));

        release.Set();
        await Task.WhenAll(first, second);
        Assert.Equal(1, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
