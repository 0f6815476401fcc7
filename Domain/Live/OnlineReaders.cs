using StackExchange.Redis;

namespace Crumbs.Domain.Live;

/// <summary>
/// PRESENCE: who has a live page open, on any clone, so the fan-out names only them. One sorted set, member the
/// reader, score the moment (Unix ms) the entry lapses: each clone writes its readers on connect and again every
/// <see cref="RefreshEvery"/>, so a crashed clone's entries lapse within <see cref="Lifetime"/> and are pruned.
/// </summary>
public sealed class OnlineReaders(IConnectionMultiplexer redis, TimeProvider clock)
{
    public const string Key = "crumbs:live:online";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(20);

    /// <summary>Marks these readers online for another <see cref="Lifetime"/>, and drops entries that have lapsed.</summary>
    public async Task MarkAsync(IReadOnlyCollection<long> readers)
    {
        if (readers.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)Lifetime.TotalMilliseconds;
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        List<Task> writes = [.. readers.Chunk(1000).Select(chunk => batch.SortedSetAddAsync(Key,
            [.. chunk.Select(r => new SortedSetEntry(r, until))]))];
        writes.Add(batch.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, now));
        writes.Add(batch.KeyExpireAsync(Key, Lifetime * 2));    // the whole set goes when no clone is left to refresh it
        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>Those of the readers whose entry has not lapsed: one ZMSCORE per thousand.</summary>
    public async Task<long[]> OfAsync(IReadOnlyCollection<long> readers)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var database = redis.GetDatabase();
        var online = new List<long>();
        foreach (var chunk in readers.Chunk(1000))
        {
            var scores = await database.SortedSetScoresAsync(Key, [.. chunk.Select(r => (RedisValue)r)]);
            online.AddRange(chunk.Where((_, i) => scores[i] is { } until && until > now));
        }

        return [.. online];
    }
}
