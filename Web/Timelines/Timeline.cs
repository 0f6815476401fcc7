using Crumbs.Domain.Posts;
using Crumbs.Domain.Caching;

namespace Crumbs.Web.Timelines;

/// <summary>Pages of posts for the API and the pages alike.</summary>
public sealed class Timeline(CachedTimeline timelines, PostStore posts)
{
    public async Task<Page<Post>> HomeAsync(long userId, long before, int limit, CancellationToken ct) =>
        Cursor.PageOf(await timelines.PageAsync(userId, before, limit, ct), limit, p => p.Id);

    public async Task<Page<Post>> ByAuthorAsync(long authorId, long before, int limit, CancellationToken ct) =>
        Cursor.PageOf(await posts.ByAuthorAsync(authorId, before, limit, ct), limit, p => p.Id);
}
