using Crumbs.Domain.Hosting;
using Crumbs.Domain.Timelines;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// What every write path calls after it commits, so no clone serves the old object: removing an entry clears it in
/// Redis and, through the backplane, in every clone's own memory; timeline versions move on in Redis.
/// Best effort: the write has committed, so a hung or absent Redis must not turn it into an error. The caller waits
/// at most <see cref="Timeouts.Invalidation"/>; what does not get through is retried once Redis is back (FusionCache's
/// removals, <see cref="PostTombstones"/>) or ends with the entry's lifetime (timeline pages, 60 s), and is logged and counted.
/// </summary>
public sealed partial class CacheInvalidation(IFusionCache cache, PostTombstones posts, TimelineVersions versions,
    CachedLikes likes, IOptions<TimelineOptions> timelines, CacheTelemetry telemetry, ILogger<CacheInvalidation> logger)
{
    /// <summary>Each post's Redis copy becomes a short tombstone (no load that began before can write over it), and every clone drops its own.</summary>
    public Task PostsChangedAsync(IEnumerable<long> postIds, CancellationToken ct)
    {
        var ids = postIds.Distinct().ToList();
        return ids.Count == 0 ? Task.CompletedTask : BestEffortAsync("post", [posts.BuryAsync(ids)], ct);
    }

    public Task UsersChangedAsync(IEnumerable<long> userIds, CancellationToken ct) =>
        BestEffortAsync("user", userIds.Select(id => cache.RemoveAsync(CachedUsers.Key(id)).AsTask()), ct);

    /// <summary>The viewer's own like or unlike, as the request left it (also when it changed nothing: that repairs a stale set).</summary>
    public Task LikeChangedAsync(long userId, long postId, bool liked) =>
        BestEffortAsync("likes", [likes.ChangedAsync(userId, postId, liked)], CancellationToken.None);

    public Task TimelinesChangedAsync(IEnumerable<long> userIds) =>
        BestEffortAsync("timeline", [versions.BumpAsync(userIds)], CancellationToken.None);

    /// <summary>
    /// A new post of the author's own: their post count and their own timeline changed. Both only in Redis, with no
    /// message to the other clones: their copies of this user end within <see cref="CacheOptions.LocalFor"/> (the bound
    /// for every other reader), and the author, the one reader of their own timeline, reads past copies (crumbs.fresh).
    /// Two commands where a message to every clone made six more pieces of work per post. A celebrity's post is merged
    /// into their followers' pages on read, so their window of newest posts goes everywhere (<see cref="CachedCelebrityPosts"/>).
    /// </summary>
    public Task AuthorPostedAsync(long authorId, int followers, CancellationToken ct) =>
        BestEffortAsync("user", [cache.RemoveAsync(CachedUsers.Key(authorId), QuietRemoval, ct).AsTask(), versions.BumpQuietlyAsync(authorId),
            .. followers > timelines.Value.CelebrityThreshold ? [cache.RemoveAsync(CachedCelebrityPosts.Key(authorId), token: ct).AsTask()] : Array.Empty<Task>()], ct);

    /// <summary>A deleted post: its author's user object (post count) and, should they be a celebrity, their window of newest posts.</summary>
    public Task AuthorPostDeletedAsync(long authorId, CancellationToken ct) =>
        BestEffortAsync("user", [cache.RemoveAsync(CachedUsers.Key(authorId), token: ct).AsTask(),
            cache.RemoveAsync(CachedCelebrityPosts.Key(authorId), token: ct).AsTask()], ct);

    private static readonly FusionCacheEntryOptions QuietRemoval = new() { SkipBackplaneNotifications = true };

    // The removals run without the caller's token: a client that goes away after the commit stops waiting, not them.
    private async Task BestEffortAsync(string kind, IEnumerable<Task> removals, CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(removals).WaitAsync(Timeouts.Invalidation, ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            telemetry.InvalidationFailed(kind);
            LogInvalidationFailed(logger, exception, kind);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A {Kind} changed but its cache entries could not be cleared in time; retried or left to expire")]
    private static partial void LogInvalidationFailed(ILogger logger, Exception exception, string kind);
}
