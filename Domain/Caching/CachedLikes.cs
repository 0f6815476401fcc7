using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Domain.Caching;

/// <summary>
/// WHERE A VIEWER'S LIKES LIVE: the set <c>likes:{userId}</c> in Redis holds the ids of every post the user likes,
/// plus the marker 0 (no post has that id) that tells "loaded, no likes" from "not loaded". A page's worth of
/// "did I like this?" is one SMISMEMBER, so the cached post objects stay the same for every viewer. The like path
/// adds or removes the id after its commit; a missing set is rebuilt from Postgres (one index-only range read of the
/// likes key) and lives an hour from then, so a set that an update failed to reach heals within the hour.
/// </summary>
public sealed partial class CachedLikes(IConnectionMultiplexer redis, NpgsqlDataSource db, ILogger<CachedLikes> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private const string Marker = "0";

    // Every change moves likes-version on, so a rebuild that read Postgres before a change does not write over it.
    private const string Change = """
        redis.call('INCR', KEYS[2])
        redis.call('EXPIRE', KEYS[2], ARGV[2])
        if redis.call('EXISTS', KEYS[1]) == 1 then
          if ARGV[1] == '1' then redis.call('SADD', KEYS[1], ARGV[3]) else redis.call('SREM', KEYS[1], ARGV[3]) end
        end
        """;

    private const string Rebuild = """
        if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        for i = 3, #ARGV, 5000 do redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 4999, #ARGV))) end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    private const string RebuildIfAbsent = "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n" + Rebuild;

    // After a failure Redis is skipped for a moment (as FusionCache's breaker does): each call would wait out its timeout.
    private static readonly TimeSpan SkipRedisFor = TimeSpan.FromSeconds(2);
    private long _skipRedisUntil;

    public static RedisKey Key(long userId) => $"likes:{userId}";

    /// <summary>Moved on by every like and unlike of the user: a rebuild that read Postgres before one does not write.</summary>
    public static RedisKey VersionKey(long userId) => $"likes-version:{userId}";

    /// <summary>Which of these posts the user likes: one Redis round trip, or Postgres when the set is not there.</summary>
    public async Task<IReadOnlySet<long>> LikedAmongAsync(long userId, IReadOnlyCollection<long> postIds, CancellationToken ct)
    {
        if (postIds.Count == 0)
        {
            return new HashSet<long>();
        }

        if (!redis.IsConnected || Environment.TickCount64 < Interlocked.Read(ref _skipRedisUntil))
        {
            return await FromPostgresAsync(userId, postIds, ct);
        }

        try
        {
            var ids = postIds.ToArray();
            var found = await redis.GetDatabase().SetContainsAsync(Key(userId), [Marker, .. ids.Select(id => (RedisValue)id)]);
            if (found[0])
            {
                return ids.Where((_, i) => found[i + 1]).ToHashSet();
            }

            var all = await RebuildAsync(userId, ct);
            return ids.Where(all.Contains).ToHashSet();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e);
            Interlocked.Exchange(ref _skipRedisUntil, Environment.TickCount64 + (long)SkipRedisFor.TotalMilliseconds);
            return await FromPostgresAsync(userId, postIds, ct);
        }
    }

    /// <summary>
    /// All of the user's likes, read from Postgres by someone else (a cold timeline page) after the likes version was
    /// read as <paramref name="version"/>: kept as the set if there is none, and if no like or unlike came since. One
    /// script call nobody waits for.
    /// </summary>
    public void RememberIfAbsent(long userId, string version, IReadOnlyCollection<long> all)
    {
        if (!redis.IsConnected || Environment.TickCount64 < Interlocked.Read(ref _skipRedisUntil))
        {
            return;
        }

        try
        {
            _ = redis.GetDatabase().ScriptEvaluateAsync(RebuildIfAbsent, [Key(userId), VersionKey(userId)],
                [version, (long)Lifetime.TotalSeconds, Marker, .. all.Select(id => (RedisValue)id)], StackExchange.Redis.CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e);
        }
    }

    /// <summary>After a like or unlike committed: the set (if loaded) says so, and any rebuild under way gives up.</summary>
    public async Task ChangedAsync(long userId, long postId, bool liked) =>
        await redis.GetDatabase().ScriptEvaluateAsync(Change, [Key(userId), VersionKey(userId)],
            [liked ? "1" : "0", (long)(2 * Lifetime).TotalSeconds, postId]);

    /// <summary>Redis is away: these posts only, on the likes key.</summary>
    private async Task<IReadOnlySet<long>> FromPostgresAsync(long userId, IReadOnlyCollection<long> postIds, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            "select post_id from likes where user_id = @userId and post_id = any(@ids)",
            new { userId, ids = postIds.ToArray() }, cancellationToken: ct))).ToHashSet();
    }

    private async Task<HashSet<long>> RebuildAsync(long userId, CancellationToken ct)
    {
        var database = redis.GetDatabase();
        var version = (string?)await database.StringGetAsync(VersionKey(userId)) ?? "";   // before Postgres' snapshot
        List<long> liked;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            liked = (await connection.QueryAsync<long>(new CommandDefinition(
                "select post_id from likes where user_id = @userId", new { userId }, cancellationToken: ct))).AsList();
        }

        await database.ScriptEvaluateAsync(Rebuild, [Key(userId), VersionKey(userId)],
            [version, (long)Lifetime.TotalSeconds, Marker, .. liked.Select(id => (RedisValue)id)]);
        return liked.ToHashSet();
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable for a viewer's likes; read from Postgres")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
