using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace Crumbs.Web.Live;

/// <summary>
/// The posts each open page shows, as groups ("post:{id}"): a like or a delete is sent once to the post's group through
/// the backplane, and reaches every clone's pages that show it, with no per-viewer work. A page names at most
/// <see cref="Most"/> posts, at most <see cref="CallsPerMinute"/> times a minute (each call subscribes and unsubscribes
/// groups in Redis on this clone: a loop of calls would churn them); SignalR drops a connection from its groups when it closes.
/// </summary>
public sealed class WatchedPosts : IDisposable
{
    public const int Most = 50;

    /// <summary>A page calls after connecting, after showing new posts and after a delete: a few times a minute.</summary>
    public const int CallsPerMinute = 30;

    private readonly ConcurrentDictionary<string, HashSet<long>> _byConnection = new();

    // One window per connection, replenished by the limiter's own timer for all of them; idle ones are dropped by it.
    private readonly PartitionedRateLimiter<string> _calls = PartitionedRateLimiter.Create<string, string>(connectionId =>
        RateLimitPartition.GetFixedWindowLimiter(connectionId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = CallsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public static string Group(long postId) => $"post:{postId}";

    /// <summary>Replaces the posts this connection watches (SignalR runs one invocation per connection at a time).</summary>
    public async Task WatchAsync(HubCallerContext context, IGroupManager groups, long[]? posts)
    {
        using var call = _calls.AttemptAcquire(context.ConnectionId);
        if (!call.IsAcquired)
        {
            throw new HubException($"A page may name its posts at most {CallsPerMinute} times a minute.");
        }

        posts ??= [];
        if (posts.Length > Most)
        {
            throw new HubException($"A page watches at most {Most} posts.");
        }

        var wanted = posts.Where(id => id > 0).ToHashSet();
        var watched = _byConnection.GetOrAdd(context.ConnectionId, _ => []);
        try
        {
            foreach (var id in watched.Except(wanted).ToList())
            {
                await groups.RemoveFromGroupAsync(context.ConnectionId, Group(id), context.ConnectionAborted);
                watched.Remove(id);
            }

            foreach (var id in wanted.Except(watched).ToList())
            {
                await groups.AddToGroupAsync(context.ConnectionId, Group(id), context.ConnectionAborted);
                watched.Add(id);
            }
        }
        finally
        {
            if (context.ConnectionAborted.IsCancellationRequested)
            {
                Forget(context.ConnectionId);    // closed meanwhile: its disconnect may already have forgotten it
            }
        }
    }

    public void Forget(string connectionId) => _byConnection.TryRemove(connectionId, out _);

    public void Dispose() => _calls.Dispose();
}
