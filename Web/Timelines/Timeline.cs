using System.Text.Json;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Crumbs.Web.Posts;
using Microsoft.Extensions.Options;

namespace Crumbs.Web.Timelines;

/// <summary>
/// Pages of posts for the API and the pages alike. The API's home timeline page is serialized once per timeline
/// version and kept as bytes on this clone for up to <see cref="CacheOptions.LocalFor"/>: a warm read is the
/// session, the version and one lookup, with no Redis round trip and no serialization. A page's bytes are built
/// from Redis, past this clone's copies, so what they show is never older than that bound.
/// </summary>
public sealed class Timeline(CachedTimeline timelines, TimelineStore store, PostStore posts, CachedLikes likes, IOptions<CacheOptions> cacheOptions,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IDisposable
{
    private readonly LocalCopies<PageKey, byte[]> _pages = new(cacheOptions.Value.PageBytes, cacheOptions.Value.LocalFor);

    /// <summary>The home timeline page and which of its posts the reader likes, as the pages render them.</summary>
    public async Task<(Page<Post> Page, IReadOnlySet<long> Liked)> HomeAsync(long userId, long before, int limit, CancellationToken ct)
    {
        var view = await timelines.ViewAsync(userId, await timelines.ReadAsync(userId, before, limit), before, limit, ct);
        return (Cursor.PageOf(view.Posts, limit, p => p.Id), view.Liked);
    }

    /// <summary>
    /// The home timeline page as the API's JSON (a <see cref="Page{PostDto}"/>). When this clone holds neither the
    /// version nor the bytes, one Redis round trip brings the version and the page's id list together.
    /// </summary>
    public async Task<byte[]> HomeJsonAsync(long userId, long before, int limit, CancellationToken ct)
    {
        if (timelines.TryGetLocalVersion(userId, out var known) && _pages.TryGet(new PageKey(userId, known, before, limit), out var copy))
        {
            return copy;
        }

        var read = await timelines.ReadAsync(userId, before, limit);
        if (read.Version is not { } version)
        {
            return await SerializeFreshAsync(userId, read, before, limit, ct);   // Redis is away: Postgres, no copy
        }

        // A shared build is not the first asker's to cancel; the statement timeouts bound it.
        return (await _pages.GetOrFetchAsync(new PageKey(userId, version, before, limit),
            async () => await SerializeFreshAsync(userId, read, before, limit, CancellationToken.None), bytes => bytes.Length))!;
    }

    /// <summary>What an open page missed: the home timeline right after its newest post, as the API's JSON.</summary>
    public async Task<byte[]> NewerJsonAsync(long userId, long after, int limit, CancellationToken ct)
    {
        var page = Cursor.NewerPageOf(await store.NewerAsync(userId, after, limit, ct), limit, p => p.Id);
        var liked = await likes.LikedAmongAsync(userId, page.Items.Select(p => p.Id).ToList(), ct);
        return JsonSerializer.SerializeToUtf8Bytes(PostDto.PageOf(page, liked), json.Value.SerializerOptions);
    }

    public async Task<Page<Post>> ByAuthorAsync(long authorId, long before, int limit, CancellationToken ct) =>
        Cursor.PageOf(await posts.ByAuthorAsync(authorId, before, limit, ct), limit, p => p.Id);

    public void Dispose() => _pages.Dispose();

    // Its own async method: the fresh-read requirement ends when it returns, and does not reach the caller's request.
    private async Task<byte[]> SerializeFreshAsync(long userId, PageRead read, long before, int limit, CancellationToken ct)
    {
        ReadFresh.Require();
        var view = await timelines.ViewAsync(userId, read, before, limit, ct);
        // likedByMe is baked in: these bytes are this one reader's; their own like sends them past the copy (crumbs.fresh).
        return JsonSerializer.SerializeToUtf8Bytes(PostDto.PageOf(Cursor.PageOf(view.Posts, limit, p => p.Id), view.Liked),
            json.Value.SerializerOptions);
    }

    private readonly record struct PageKey(long UserId, long Version, long Before, int Limit);
}
