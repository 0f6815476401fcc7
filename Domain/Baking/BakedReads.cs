using System.Text.Json;
using Dapper;
using Npgsql;
using StackExchange.Redis;

namespace Crumbs.Domain.Baking;

/// <summary>
/// Serves what the bakers wrote, and nothing else: Redis first, the Postgres row when Redis has lost it. A request
/// never runs the bakers' queries.
/// </summary>
public sealed class BakedReads(IConnectionMultiplexer redis, NpgsqlDataSource db)
{
    public async Task<Trending> TrendingAsync(CancellationToken ct) =>
        await ReadAsync<Trending>(Baked.TrendingKey, "select payload::text from baked where name = @name", new { name = Baked.TrendingName }, ct)
        ?? new Trending(null, [], []);

    public async Task<Suggestions> SuggestionsAsync(long userId, CancellationToken ct) =>
        await ReadAsync<Suggestions>(Baked.SuggestionsKey(userId), "select payload::text from suggestions where user_id = @userId", new { userId }, ct)
        ?? new Suggestions(null, []);

    private async Task<T?> ReadAsync<T>(string key, string sql, object parameters, CancellationToken ct) where T : class
    {
        var cached = await redis.GetDatabase().StringGetAsync(key);
        if (cached.HasValue)
        {
            return JsonSerializer.Deserialize<T>(cached.ToString(), Baked.Json);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var stored = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        return stored is null ? null : JsonSerializer.Deserialize<T>(stored, Baked.Json);
    }
}
