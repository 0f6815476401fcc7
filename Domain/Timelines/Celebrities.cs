using System.Text.Json;
using Crumbs.Domain.Caching;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Domain.Timelines;

/// <summary>
/// BAKED AHEAD OF TIME: the ids of every author too popular to fan out, written to Redis by each bake (every minute).
/// A home timeline reads whom its reader follows (one range of the follows key, no JOIN), keeps those in this set
/// (<see cref="Among"/>), and merges in their newest posts. Should Redis have lost the list, it is read from users by its follower-count index.
/// An author who crosses the threshold between two bakes is merged in at the next bake (at most a minute later).
/// Each clone keeps the list it read for at most <see cref="CacheOptions.LocalFor"/>; a bake tells every clone to drop it.
/// </summary>
public sealed class Celebrities(IConnectionMultiplexer redis, IOptions<TimelineOptions> options, IOptions<CacheOptions> cache, LocalInvalidation invalidation)
{
    private const string Channel = "crumbs:local:celebrities";
    private volatile Copy? _copy;
    private long _generation;
    private int _listening;

    private string Key => $"baked:celebrities:{options.Value.CelebrityThreshold}";

    public async Task<IReadOnlySet<long>> AllAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        ListenOnce();
        var generation = Interlocked.Read(ref _generation);
        // Not skipped for a fresh read (ReadFresh): no user's own write changes the list, only a bake does.
        if (_copy is { } copy && copy.Generation == generation && Environment.TickCount64 < copy.Until)
        {
            return copy.Ids;
        }

        try
        {
            var started = Environment.TickCount64;
            if (await redis.GetDatabase().StringGetAsync(Key) is { HasValue: true } baked)
            {
                var ids = (JsonSerializer.Deserialize<long[]>((string)baked!) ?? []).ToHashSet();
                _copy = new Copy(ids, started + (long)cache.Value.LocalFor.TotalMilliseconds, generation);
                return ids;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is away: the list comes from Postgres below, still right.
        }

        return (await ReadAsync(connection, ct)).ToHashSet();
    }

    /// <summary>
    /// The followees who are celebrities. Asked of Postgres as one range read of the reader's follows: with
    /// <c>followee_id = any(@all)</c> instead, Postgres 15 compared every followee with every celebrity (≈ 50 × 215 at
    /// the 1M-post size, 77 µs a call), and reading fifty keys costs less than that.
    /// </summary>
    public static long[] Among(IReadOnlySet<long> all, IEnumerable<long> followees) => [.. followees.Where(all.Contains)];

    /// <summary>Whom the reader follows: one range of the follows key.</summary>
    public const string Followees = "select followee_id from follows where follower_id = @userId";

    /// <summary>The celebrities a reader follows: whose posts reach their open pages through one group each (Web/Live).</summary>
    public async Task<long[]> FollowedByAsync(NpgsqlDataSource db, long userId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var all = await AllAsync(connection, ct);
        return all.Count == 0 ? [] : Among(all, await connection.QueryAsync<long>(new CommandDefinition(Followees, new { userId }, cancellationToken: ct)));
    }

    /// <summary>Reads the list from Postgres and keeps it in Redis until the next bake replaces it.</summary>
    public async Task<int> BakeAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var ids = await ReadAsync(connection, ct);
        await redis.GetDatabase().StringSetAsync(Key, JsonSerializer.Serialize(ids), TimeSpan.FromMinutes(10));
        await invalidation.PublishAsync(Channel, ["all"]);
        return ids.Length;
    }

    private sealed record Copy(HashSet<long> Ids, long Until, long Generation);

    /// <summary>Only a clone that reads the list keeps a copy, and listens for bakes.</summary>
    private void ListenOnce()
    {
        if (Volatile.Read(ref _listening) == 0 && Interlocked.Exchange(ref _listening, 1) == 0)
        {
            invalidation.Subscribe(Channel, _ => Interlocked.Increment(ref _generation), () => Interlocked.Increment(ref _generation));
        }
    }

    private async Task<long[]> ReadAsync(NpgsqlConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<long>(new CommandDefinition(
            "select id from users where follower_count > @threshold",
            new { threshold = options.Value.CelebrityThreshold }, cancellationToken: ct))).ToArray();
}
