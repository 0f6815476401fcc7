using System.Text.Json;
using Crumbs.Domain.Posts;
using Medallion.Threading.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// WHERE POSTS ARE CACHED: post objects by id, shared by every timeline they appear in. Each is a Redis string
/// (<see cref="PostObject"/>), so a page's worth is read with one MGET and written with one script call. Each clone
/// keeps its own copies of posts read one at a time (GET /api/posts/{id}, the post page) for at most
/// <see cref="CacheOptions.LocalFor"/>; pages use them when they have them. A change leaves a short tombstone in
/// Redis (<see cref="PostObject.Bury"/>) and tells every clone to drop its copy (see CacheInvalidation).
/// One post alone (GET /api/posts/{id}) is loaded once across all clones: concurrent misses wait on one Redis lock.
/// </summary>
public sealed partial class CachedPosts : IDisposable
{
    private const string Kind = "post";
    private const int CopySize = 1024;   // bytes, estimated: a post in memory
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);
    private readonly IConnectionMultiplexer _redis;
    private readonly PostStore _posts;
    private readonly LocalInvalidation _invalidation;
    private readonly CacheTelemetry _telemetry;
    private readonly ILogger<CachedPosts> _logger;
    private readonly LocalCopies<long, Post> _copies;
    private int _listening;
    private long _skipRedisUntil;

    public CachedPosts(IConnectionMultiplexer redis, PostStore posts, LocalInvalidation invalidation, CacheTelemetry telemetry,
        IOptions<CacheOptions> options, ILogger<CachedPosts> logger)
    {
        (_redis, _posts, _invalidation, _telemetry, _logger) = (redis, posts, invalidation, telemetry, logger);
        _copies = new LocalCopies<long, Post>(options.Value.ObjectBytes / 2, options.Value.LocalFor);
    }

    /// <summary>One post (this clone keeps a copy); concurrent misses on every clone wait for a single load.</summary>
    public async Task<Post?> FindAsync(long id, CancellationToken ct)
    {
        ListenOnce();
        if (_copies.TryGet(id, out var copy))
        {
            _telemetry.Hits(Kind, 1);
            return copy;
        }

        // Shared by this clone's concurrent askers, and not the first one's to cancel; the statement timeouts bound it.
        return await _copies.GetOrFetchAsync(id, () => FetchOneAsync(id, CacheLoadDiagnostics.ForThisRequest), _ => CopySize);
    }

    /// <summary>The posts that exist, in the order of the ids asked for.</summary>
    public async Task<IReadOnlyList<Post>> FindManyAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var found = await HeldAsync(ids, ct);
        var missing = ids.Where(id => !found.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var loaded = await _telemetry.LoadAsync(Kind, missing.Count, () => _posts.FindManyAsync(missing, ct));
            Remember(loaded);
            foreach (var post in loaded)
            {
                found[post.Id] = post;
            }
        }

        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>The posts the cache holds: this clone's copies, then the rest from Redis in one MGET. Nothing is loaded.</summary>
    public async Task<Dictionary<long, Post>> HeldAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        ListenOnce();
        var found = new Dictionary<long, Post>(ids.Count);
        List<long>? asked = null;
        foreach (var id in ids)
        {
            if (_copies.TryGet(id, out var copy))
            {
                found[id] = copy;
            }
            else if (!found.ContainsKey(id))
            {
                (asked ??= []).Add(id);
            }
        }

        if (asked is not null && RedisAnswers())
        {
            try
            {
                // Not kept as copies here: a page's posts are one MGET whether or not a few are held, and keeping twenty
                // copies per page built was the largest cost of a cold read in this process (MemoryCache.SetEntry).
                var values = await _redis.GetDatabase().StringGetAsync([.. asked.Select(PostObject.Key)]).WaitAsync(ReadTimeout, ct);
                for (var i = 0; i < asked.Count; i++)
                {
                    if (PostObject.Read(values[i]) is { } post)
                    {
                        found[asked[i]] = post;
                    }
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                Unavailable(e);   // misses: Postgres answers
            }
        }

        _telemetry.Hits(Kind, found.Count);
        return found;
    }

    /// <summary>
    /// Posts just read from Postgres, into Redis with one script call nobody waits for. A post changed meanwhile has a
    /// tombstone there, which this write does not replace (the copy just read may be older than the change).
    /// </summary>
    public void Remember(IEnumerable<Post> loaded)
    {
        var posts = loaded.ToList();
        if (posts.Count == 0 || !RedisAnswers())
        {
            return;
        }

        try
        {
            _ = _redis.GetDatabase().ScriptEvaluateAsync(PostObject.WriteUnlessBuried, [.. posts.Select(p => PostObject.Key(p.Id))],
                [(long)PostObject.Lifetime.TotalSeconds, .. posts.Select(PostObject.Write)], CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Unavailable(e);
        }
    }

    public void Dispose() => _copies.Dispose();

    private async Task<Post?> FetchOneAsync(long id, CacheLoadDiagnostics.Request? diagnostics)
    {
        if (RedisAnswers())
        {
            try
            {
                if (PostObject.Read(await _redis.GetDatabase().StringGetAsync(PostObject.Key(id)).WaitAsync(ReadTimeout)) is { } stored)
                {
                    _telemetry.Hits(Kind, 1);
                    return stored;
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                Unavailable(e);
            }
        }

        return await LoadOneAsync(id, diagnostics);
    }

    private async Task<Post?> LoadOneAsync(long id, CacheLoadDiagnostics.Request? diagnostics)
    {
        if (diagnostics is { SkipDistributedLocker: true } || !RedisAnswers())
        {
            return await LoadAndRememberAsync(id, diagnostics);
        }

        try
        {
            var database = _redis.GetDatabase();
            await using var held = await new RedisDistributedLock($"crumbs:lock:post:{id}", database).TryAcquireAsync(LockWait);
            // Whoever held the lock before may have loaded it already.
            if (PostObject.Read(await database.StringGetAsync(PostObject.Key(id))) is { } loaded)
            {
                _telemetry.Hits(Kind, 1);
                return loaded;
            }

            return await LoadAndRememberAsync(id, diagnostics);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Unavailable(e);
            return await LoadAndRememberAsync(id, diagnostics);
        }
    }

    private async Task<Post?> LoadAndRememberAsync(long id, CacheLoadDiagnostics.Request? diagnostics)
    {
        var post = await _telemetry.LoadAsync(Kind, 1, async () =>
        {
            if (diagnostics is { SlowLoad: var slow } && slow > TimeSpan.Zero)
            {
                await Task.Delay(slow);
            }

            return await _posts.FindAsync(id, CancellationToken.None);
        });
        if (post is not null && RedisAnswers())
        {
            // Awaited here: the next waiter on the lock reads it from Redis.
            try
            {
                await _redis.GetDatabase().ScriptEvaluateAsync(PostObject.WriteUnlessBuried, [PostObject.Key(id)],
                    [(long)PostObject.Lifetime.TotalSeconds, PostObject.Write(post)]).WaitAsync(ReadTimeout);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                Unavailable(e);
            }
        }

        return post;
    }

    /// <summary>Only a clone that keeps copies (one that reads posts: the web) listens for changes.</summary>
    private void ListenOnce()
    {
        if (Volatile.Read(ref _listening) == 0 && Interlocked.Exchange(ref _listening, 1) == 0)
        {
            _invalidation.Subscribe(PostObject.Channel, ids => _copies.Forget(ids.Select(long.Parse)), _copies.ForgetAll);
        }
    }

    /// <summary>After a failure Redis is skipped for a moment, so a page does not wait out a timeout per call.</summary>
    private bool RedisAnswers() => _redis.IsConnected && Environment.TickCount64 >= Interlocked.Read(ref _skipRedisUntil);

    private void Unavailable(Exception e)
    {
        Interlocked.Exchange(ref _skipRedisUntil, Environment.TickCount64 + 2000);
        LogUnavailable(_logger, e);
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable for post objects; Postgres answers")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}

/// <summary>A post object as Redis holds it: its JSON (source-generated), or an empty tombstone after a change.</summary>
public static class PostObject
{
    /// <summary>Every clone's copies of these post ids are dropped when a message names them.</summary>
    public const string Channel = "crumbs:local:posts";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Longer than any load (a Postgres connect and statement, each bounded), so none writes over a change.</summary>
    public static readonly TimeSpan Tombstone = TimeSpan.FromSeconds(10);

    /// <summary>ARGV[1] the lifetime in seconds, then one value per key: SET … NX, so neither a tombstone nor a newer copy is replaced.</summary>
    public const string WriteUnlessBuried = "for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1], 'NX') end";

    /// <summary>ARGV[1] the tombstone's lifetime in seconds: every key becomes an empty string, read as a miss.</summary>
    public const string Bury = "for _, key in ipairs(KEYS) do redis.call('SET', key, '', 'EX', ARGV[1]) end";

    public static RedisKey Key(long id) => $"post-object:{id}";

    public static RedisValue Write(Post post) => JsonSerializer.SerializeToUtf8Bytes(post, CacheJson.Default.Post);

    public static Post? Read(RedisValue value) =>
        value.HasValue && !value.IsNullOrEmpty ? PostJson.Parse((byte[])value!) : null;
}
