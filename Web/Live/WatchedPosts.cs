using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Crumbs.Web.Live;

/// <summary>
/// The posts each open page shows, as groups ("post:{id}"): a like or a delete is sent once to the post's group through
/// the backplane, and reaches every clone's pages that show it, with no per-viewer work. A page names at most
/// <see cref="Most"/> posts; SignalR drops a connection from its groups when it closes.
/// </summary>
public sealed class WatchedPosts
{
    public const int Most = 50;
    private readonly ConcurrentDictionary<string, HashSet<long>> _byConnection = new();

    public static string Group(long postId) => $"post:{postId}";

    /// <summary>Replaces the posts this connection watches (SignalR runs one invocation per connection at a time).</summary>
    public async Task WatchAsync(HubCallerContext context, IGroupManager groups, long[]? posts)
    {
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
}
