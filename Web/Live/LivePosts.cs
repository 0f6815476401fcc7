using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Microsoft.AspNetCore.SignalR;

namespace Crumbs.Web.Live;

/// <summary>
/// What the web itself announces: a celebrity's post is never fanned out (no worker message names its readers), so
/// the clone that took it tells the author's group once, and the backplane reaches the open pages on every clone.
/// </summary>
public sealed partial class LivePosts(IHubContext<LiveHub> hub, CachedUsers users, TimelineStore timelines, ILogger<LivePosts> logger)
{
    public async Task CreatedAsync(Post post, CancellationToken ct)
    {
        try
        {
            if (await users.FindAsync(post.AuthorId, ct) is { } author && author.FollowerCount > timelines.CelebrityThreshold)
            {
                await hub.Clients.Group(LiveConnections.CelebrityGroup(post.AuthorId))
                    .SendAsync(LiveHub.NewPostMethod, Cursor.Of(post.Id), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e, post.Id);    // the post is committed; open pages see it when they next ask
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not announce post {PostId} on the live channel")]
    private static partial void LogFailed(ILogger logger, Exception exception, long postId);
}
