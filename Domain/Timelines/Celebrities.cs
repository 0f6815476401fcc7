using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Domain.Timelines;

/// <summary>
/// BAKED AHEAD OF TIME: the ids of every author too popular to fan out, written to Redis by each bake (every minute).
/// A home timeline asks which of these its reader follows, an index look-up on follows with no JOIN, and merges in
/// their newest posts. Should Redis have lost the list, it is read from users by its follower-count index.
/// An author who crosses the threshold between two bakes is merged in at the next bake (at most a minute later).
/// </summary>
public sealed class Celebrities(IConnectionMultiplexer redis, IOptions<TimelineOptions> options)
{
    private string Key => $"baked:celebrities:{options.Value.CelebrityThreshold}";

    public async Task<long[]> AllAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            if (await redis.GetDatabase().StringGetAsync(Key) is { HasValue: true } baked)
            {
                return JsonSerializer.Deserialize<long[]>((string)baked!) ?? [];
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is away: the list comes from Postgres below, still right.
        }

        return await ReadAsync(connection, ct);
    }

    /// <summary>The celebrities a reader follows: whose posts reach their open pages through one group each (Web/Live).</summary>
    public async Task<long[]> FollowedByAsync(NpgsqlDataSource db, long userId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var all = await AllAsync(connection, ct);
        return all.Length == 0 ? [] : (await connection.QueryAsync<long>(new CommandDefinition(
            "select followee_id from follows where follower_id = @userId and followee_id = any(@all)",
            new { userId, all }, cancellationToken: ct))).ToArray();
    }

    /// <summary>Reads the list from Postgres and keeps it in Redis until the next bake replaces it.</summary>
    public async Task<int> BakeAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var ids = await ReadAsync(connection, ct);
        await redis.GetDatabase().StringSetAsync(Key, JsonSerializer.Serialize(ids), TimeSpan.FromMinutes(10));
        return ids.Length;
    }

    private async Task<long[]> ReadAsync(NpgsqlConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<long>(new CommandDefinition(
            "select id from users where follower_count > @threshold",
            new { threshold = options.Value.CelebrityThreshold }, cancellationToken: ct))).ToArray();
}
