using System.Globalization;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Microsoft.AspNetCore.SignalR;

namespace Crumbs.Web.Live;

/// <summary>
/// What the web itself announces, once, to a group through the backplane, which reaches the open pages on every clone:
/// a celebrity's post (never fanned out, so no worker message names its readers), and a post's new like count or its
/// deletion to the pages that show it (<see cref="WatchedPosts"/>).
/// </summary>
public sealed partial class LivePosts(IHubContext<LiveHub> hub, TimelineStore timelines, LiveTelemetry telemetry,
    ILogger<LivePosts> logger)
{
    /// <summary>A celebrity's new post to the group of its followers' open pages; any other post reaches them through the fan-out.</summary>
    public async Task CreatedAsync(CreatedPost created)
    {
        if (created.AuthorFollowers <= timelines.CelebrityThreshold)
        {
            return;
        }

        try
        {
            await SendAsync(LiveConnections.CelebrityGroup(created.Post.AuthorId), LiveHub.NewPostMethod, [Cursor.Of(created.Post.Id)]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e, created.Post.Id);    // the post is committed; open pages see it when they next ask
        }
    }

    /// <summary>The count as committed, not "+1": pages end right whatever order two likes' messages arrive in.</summary>
    public Task LikesChangedAsync(Post post) =>
        TrySendAsync(post.Id, LiveHub.LikesMethod, [Id(post.Id), post.LikeCount]);

    public Task DeletedAsync(long postId) => TrySendAsync(postId, LiveHub.DeletedMethod, [Id(postId)]);

    private async Task TrySendAsync(long postId, string method, object?[] arguments)
    {
        try
        {
            await SendAsync(WatchedPosts.Group(postId), method, arguments);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e, postId);     // committed; an open page shows the old count until it is reloaded
        }
    }

    private async Task SendAsync(string group, string method, object?[] arguments)
    {
        await hub.Clients.Group(group).SendCoreAsync(method, arguments, CancellationToken.None);
        telemetry.Published();
    }

    private static string Id(long postId) => postId.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(LogLevel.Warning, "Could not announce post {PostId} on the live channel")]
    private static partial void LogFailed(ILogger logger, Exception exception, long postId);
}
