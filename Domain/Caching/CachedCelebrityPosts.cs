using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using ZiggyCreatures.Caching.Fusion;

namespace Crumbs.Domain.Caching;

/// <summary>
/// WHAT A COLD TIMELINE MERGES FROM THE CACHE: each celebrity's newest <see cref="Window"/> post ids, one object per
/// author shared by all their followers (FusionCache: this clone's copy for at most a second, Redis for a minute). A
/// cold page merges these with its own rows (<see cref="Timelines.TimelineMerge"/>) and asks Postgres no second
/// statement. A page build never waits for a window: one not cached is loaded in the background, and that page reads
/// the celebrities' posts from Postgres as before. A celebrity's post or any delete removes the author's window
/// everywhere (<see cref="CacheInvalidation"/>); a load that read Postgres just before such a change and wrote after
/// it is what the minute bounds.
/// </summary>
public sealed partial class CachedCelebrityPosts(IFusionCache cache, NpgsqlDataSource db, CacheTelemetry telemetry,
    ILogger<CachedCelebrityPosts> logger)
{
    public const int Window = 100;
    private const string Kind = "celebrity-posts";

    private readonly FusionCacheEntryOptions _options = cache.CreateEntryOptions(o =>
    {
        o.Duration = TimeSpan.FromMinutes(1);
        o.Size = Window * sizeof(long) + 64;
    });

    private readonly ConcurrentDictionary<long, byte> _loading = new();

    public static string Key(long authorId) => $"celebrity-posts:{authorId}";

    /// <summary>
    /// Every author's window if all are cached (this clone's copies first; Redis for the rest), else null, and the
    /// missing ones start loading for the next page. Not a fresh read: no reader's own write changes these (see
    /// <see cref="ReadFresh"/>); their author reads their own posts from their own timeline rows.
    /// </summary>
    public async Task<long[][]?> CachedAsync(IReadOnlyList<long> authorIds, CancellationToken ct)
    {
        var windows = new long[authorIds.Count][];
        List<long>? missing = null;
        for (var i = 0; i < authorIds.Count; i++)
        {
            var found = await cache.TryGetAsync<long[]>(Key(authorIds[i]), _options, ct);
            if (found.HasValue)
            {
                windows[i] = found.Value;
            }
            else
            {
                (missing ??= []).Add(authorIds[i]);
            }
        }

        if (missing is null)
        {
            telemetry.Hits(Kind, authorIds.Count);
            return windows;
        }

        // Once per author on this clone, however many cold pages find it missing meanwhile.
        var load = missing.Where(id => _loading.TryAdd(id, 0)).ToList();
        if (load.Count > 0)
        {
            using (ExecutionContext.SuppressFlow())   // not this request's work: not its trace, nor its fresh-read rule
            {
                _ = Task.Run(() => LoadAsync(load), CancellationToken.None);
            }
        }

        return null;
    }

    /// <summary>One loader per window across every clone (FusionCache's distributed lock); failures only cost the next page a statement.</summary>
    private async Task LoadAsync(List<long> authorIds)
    {
        foreach (var authorId in authorIds)
        {
            try
            {
                await telemetry.GetOrLoadAsync(cache, Kind, Key(authorId), token => NewestAsync(authorId, token), _options, CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
            {
                LogLoadFailed(logger, e, authorId);
            }
            finally
            {
                _loading.TryRemove(authorId, out _);
            }
        }
    }

    private async Task<long[]> NewestAsync(long authorId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(
            "select id from posts where author_id = @authorId order by id desc limit @window",
            new { authorId, window = Window }, cancellationToken: ct))];
    }

    [LoggerMessage(LogLevel.Warning, "Could not load the newest posts of celebrity {AuthorId}; pages read them from Postgres")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, long authorId);
}
