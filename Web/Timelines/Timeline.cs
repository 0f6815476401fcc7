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
public sealed class Timeline(CachedTimeline timelines, TimelineStore store, PostStore posts, IOptions<CacheOptions> cacheOptions,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IDisposable
{
    private readonly LocalCopies<PageKey, byte[]> _pages = new(cacheOptions.Value.PageBytes, cacheOptions.Value.LocalFor);

    public async Task<Page<Post>> HomeAsync(long userId, long before, int limit, CancellationToken ct) =>
        Cursor.PageOf(await timelines.PageAsync(userId, before, limit, ct), limit, p => p.Id);

    /// <summary>The home timeline page as the API's JSON (a <see cref="Page{PostDto}"/>).</summary>
    public async Task<byte[]> HomeJsonAsync(long userId, long before, int limit, CancellationToken ct)
    {
        var version = await timelines.VersionAsync(userId);
        if (version is null)
        {
            return await SerializeFreshAsync(userId, version, before, limit, ct);   // Redis is away: Postgres, no copy
        }

        // A shared build is not the first asker's to cancel; the statement timeouts bound it.
        return (await _pages.GetOrFetchAsync(new PageKey(userId, version.Value, before, limit),
            async () => await SerializeFreshAsync(userId, version, before, limit, CancellationToken.None), bytes => bytes.Length))!;
    }

    /// <summary>What an open page missed: the home timeline right after its newest post, as the API's JSON.</summary>
    public async Task<byte[]> NewerJsonAsync(long userId, long after, int limit, CancellationToken ct)
    {
        var page = Cursor.NewerPageOf(await store.NewerAsync(userId, after, limit, ct), limit, p => p.Id);
        return JsonSerializer.SerializeToUtf8Bytes(PostDto.PageOf(page), json.Value.SerializerOptions);
    }

    public async Task<Page<Post>> ByAuthorAsync(long authorId, long before, int limit, CancellationToken ct) =>
        Cursor.PageOf(await posts.ByAuthorAsync(authorId, before, limit, ct), limit, p => p.Id);

    public void Dispose() => _pages.Dispose();

    // Its own async method: the fresh-read requirement ends when it returns, and does not reach the caller's request.
    private async Task<byte[]> SerializeFreshAsync(long userId, long? version, long before, int limit, CancellationToken ct)
    {
        ReadFresh.Require();
        var page = Cursor.PageOf(await timelines.PageAsync(userId, version, before, limit, ct), limit, p => p.Id);
        return JsonSerializer.SerializeToUtf8Bytes(PostDto.PageOf(page), json.Value.SerializerOptions);
    }

    private readonly record struct PageKey(long UserId, long Version, long Before, int Limit);
}
