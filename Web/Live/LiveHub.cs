using Crumbs.Domain.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Crumbs.Web.Live;

/// <summary>
/// THE LIVE CHANNEL: a signed-in page's open connection (SignalR at /live). It only listens: the server tells it
/// "newPost" (a post id that has reached the reader's home timeline); the page then asks the API for what is new.
/// The page names the posts it shows (<see cref="Watch"/>); it is then told their new like counts ("likes") and
/// their deletion ("deleted"). Likes are public (every page shows the count); whose like it was is never sent.
/// Signed in with the page's session cookie; a revoked session is disconnected at once (<see cref="LiveConnections"/>).
/// </summary>
[Authorize]
public sealed class LiveHub(LiveConnections connections, WatchedPosts watched) : Hub
{
    public const string Path = "/live";
    public const string NewPostMethod = "newPost";
    public const string LikesMethod = "likes";
    public const string DeletedMethod = "deleted";

    public const string ReplicaMethod = "replica";

    public override async Task OnConnectedAsync()
    {
        await connections.AddAsync(Context, Groups, Context.ConnectionAborted);
        // Which clone holds the connection, as X-Served-By names the one that answered a request.
        await Clients.Caller.SendAsync(ReplicaMethod, Replica.Name, Context.ConnectionAborted);
    }

    /// <summary>The posts the page shows now (at most <see cref="WatchedPosts.Most"/>), replacing those it named before.</summary>
    public Task Watch(long[]? posts) => watched.WatchAsync(Context, Groups, posts);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context);
        watched.Forget(Context.ConnectionId);
        return Task.CompletedTask;
    }
}
