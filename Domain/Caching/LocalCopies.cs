using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Crumbs.Domain.Caching;

/// <summary>
/// A clone's own short-lived copies of shared state (sessions, timeline versions, timeline page bytes), bounded in
/// bytes. A copy lives at most <see cref="CacheOptions.LocalFor"/>, so a change that a clone never hears about (a
/// lost message) still shows within that bound; normally a message on <see cref="LocalInvalidation"/> drops it at
/// once. A request that must see its own writes (<see cref="ReadFresh"/>) reads past every copy.
/// </summary>
public sealed class LocalCopies<TKey, TValue>(long bytes, TimeSpan lifetime) : IDisposable where TKey : notnull
{
    private readonly MemoryCache _copies = new(new MemoryCacheOptions { SizeLimit = bytes, CompactionPercentage = 0.25 });
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue?>>> _fetching = new();
    private long _generation;

    /// <summary>
    /// Taken before fetching what will be copied: a copy fetched across an invalidation is not kept, and a copy's
    /// lifetime counts from the moment its fetch began, so no copy outlives a change by more than the lifetime.
    /// </summary>
    public Fetch Begin() => new(Interlocked.Read(ref _generation), DateTimeOffset.UtcNow);

    public bool TryGet(TKey key, out TValue value)
    {
        if (!ReadFresh.Required && _copies.TryGetValue(key, out var found) && found is TValue copy)
        {
            value = copy;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// The copy, or a fetch of it that every request of this clone asking at the same moment shares (when a copy
    /// ends under load, one fetch replaces it, not one per connection). Fresh readers fetch on their own: a shared
    /// fetch may have begun before their write. A null value or a failed fetch is not kept.
    /// </summary>
    public async Task<TValue?> GetOrFetchAsync(TKey key, Func<Task<TValue?>> fetch, Func<TValue, long> size)
    {
        if (TryGet(key, out var copy))
        {
            return copy;
        }

        if (ReadFresh.Required)
        {
            return await FetchAndKeepAsync(key, fetch, size);
        }

        var shared = _fetching.GetOrAdd(key, k => new Lazy<Task<TValue?>>(() => FetchAndKeepAsync(k, fetch, size)));
        try
        {
            return await shared.Value;
        }
        finally
        {
            _fetching.TryRemove(KeyValuePair.Create(key, shared));
        }
    }

    /// <summary>Keeps a copy of what was fetched, unless something was invalidated since the fetch began.</summary>
    public void Keep(TKey key, TValue value, long size, Fetch fetch)
    {
        if (Interlocked.Read(ref _generation) != fetch.Generation)
        {
            return;
        }

        using var entry = _copies.CreateEntry(key);
        entry.Value = value;
        entry.Size = Math.Max(1, size);
        entry.AbsoluteExpiration = fetch.Started + lifetime;
    }

    private async Task<TValue?> FetchAndKeepAsync(TKey key, Func<Task<TValue?>> fetch, Func<TValue, long> size)
    {
        var started = Begin();
        var value = await fetch();
        if (value is not null)
        {
            Keep(key, value, size(value), started);
        }

        return value;
    }

    public void Forget(IEnumerable<TKey> keys)
    {
        Interlocked.Increment(ref _generation);
        foreach (var key in keys)
        {
            _copies.Remove(key);
        }
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _copies.Clear();
    }

    public void Dispose() => _copies.Dispose();

    public readonly record struct Fetch(long Generation, DateTimeOffset Started);
}
