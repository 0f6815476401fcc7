using Npgsql;

namespace Crumbs.Benchmarks;

/// <param name="Active">Seen within Crumbs:Timeline:ActiveFor when seeded: the fan-out keeps their home timeline.</param>
public sealed record DemoUser(long Id, string Handle, int Followers, int Following, bool Active = true);

/// <summary>How the data was settled before measuring: VACUUM ANALYZE, then how long until Postgres was quiet.</summary>
public sealed record SettleResult(double VacuumSeconds, double QuietAfterSeconds, double PostgresCores, bool Quiet, string? BusyWith = null);

/// <summary>The seeded data as the scenarios need it, read straight from Postgres.</summary>
public sealed class DataSet(NpgsqlDataSource db)
{
    public IReadOnlyList<DemoUser> Users { get; private set; } = [];

    public long MinPostId { get; private set; }

    public long MaxPostId { get; private set; }

    /// <summary>Users seen after this count as active (the seed's answer says when that was).</summary>
    public DateTime ActiveSince { get; private set; }

    public async Task LoadAsync(System.Text.Json.JsonElement seeded)
    {
        ActiveSince = seeded.TryGetProperty("activeSince", out var since) ? since.GetDateTime().ToUniversalTime() : DateTime.MinValue;
        Users = await ListAsync("select id, handle, follower_count, following_count, last_active_at > @since from users where starts_with(handle, @p) order by id",
            r => new DemoUser(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetBoolean(4)),
            ("p", seeded.GetProperty("handlePrefix").GetString()!), ("since", ActiveSince));
        (MinPostId, MaxPostId) = (await ListAsync("select min(id), max(id) from posts", r => (r.GetInt64(0), r.GetInt64(1))))[0];
    }

    /// <summary>A repeatable random pick (by a hash of the handle) of users meeting a condition.</summary>
    /// <summary>
    /// The same users in every run of the same seed, so that runs compare: picked by their place in the seed, not by
    /// handle (each run's handles have a prefix of their own, and string hashes are randomized per process: the
    /// writers differed from one run to the next, and their posts' fan-out ranged from 19 to 79 rows).
    /// </summary>
    public IReadOnlyList<DemoUser> Pick(int count, Func<DemoUser, bool> where, int salt = 0) => Users
        .Select((user, place) => (user, place)).Where(u => where(u.user))
        .OrderBy(u => StableHash(u.place, salt)).Select(u => u.user)
        .Take(count).ToList();

    private static uint StableHash(int place, int salt)   // FNV-1a over the two numbers' bytes
    {
        var hash = 2166136261u;
        foreach (var value in (ReadOnlySpan<int>)[place, salt])
        {
            for (var shift = 0; shift < 32; shift += 8)
            {
                hash = (hash ^ (uint)((value >> shift) & 0xff)) * 16777619u;
            }
        }

        return hash;
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters) =>
        (await ListAsync(sql, r => r.IsDBNull(0) ? 0 : Convert.ToInt64(r.GetValue(0)), parameters))[0];

    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Waits until the workers have sent every outbox row and a user's timeline stops growing (backfills, fan-out).</summary>
    public async Task SettleAsync(TimeSpan within, params long[] timelineUsers)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long last = -1;
        var stable = 0;
        while (clock.Elapsed < within && stable < 3)
        {
            var pending = await ScalarAsync("select count(*) from outbox where sent_at is null");
            var entries = await ScalarAsync("select count(*) from timeline_entries where user_id = any(@u)", ("u", timelineUsers));
            stable = pending == 0 && entries == last ? stable + 1 : 0;
            last = entries;
            await Task.Delay(1000);
        }
    }

    /// <summary>
    /// After a bulk load, autovacuum and analyze would run under the measurements: do them now (VACUUM ANALYZE),
    /// then wait until Postgres' processes use less than <paramref name="cores"/> for <paramref name="quietFor"/>.
    /// </summary>
    public async Task<SettleResult> SettlePostgresAsync(Func<IReadOnlyList<int>> postgres, double cores, TimeSpan quietFor, TimeSpan within)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var vacuum = db.CreateCommand("vacuum analyze"))
        {
            vacuum.CommandTimeout = 0;
            await vacuum.ExecuteNonQueryAsync();
        }

        var vacuumSeconds = clock.Elapsed.TotalSeconds;
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        var quietSince = TimeSpan.Zero;
        var used = double.NaN;
        var active = new Dictionary<string, int>(); // what the busy seconds were spent on, for the report
        while (waiting.Elapsed < within)
        {
            var before = postgres().ToDictionary(pid => pid, Procs.CpuTicks);
            var tick = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(1000);
            // Per process, as Wrk counts: backends that ended are left out, new ones count in full.
            var ticks = postgres().Select(pid => (After: Procs.CpuTicks(pid), Before: before.GetValueOrDefault(pid)))
                .Where(p => p.After > 0).Sum(p => Math.Max(0, p.After - p.Before));
            used = ticks / 100.0 / tick.Elapsed.TotalSeconds;
            quietSince = used < cores ? quietSince + tick.Elapsed : TimeSpan.Zero;
            if (quietSince >= quietFor)
            {
                return new SettleResult(vacuumSeconds, waiting.Elapsed.TotalSeconds, Math.Round(used, 3), true);
            }

            foreach (var query in await ListAsync(
                "select backend_type || ': ' || left(regexp_replace(coalesce(query, ''), '\\s+', ' ', 'g'), 60) from pg_stat_activity where state = 'active' and pid <> pg_backend_pid()",
                r => r.GetString(0)))
            {
                active[query] = active.GetValueOrDefault(query) + 1;
            }
        }

        var busyWith = string.Join("; ", active.OrderByDescending(a => a.Value).Take(3).Select(a => $"{a.Key} ({a.Value}×)"));
        return new SettleResult(vacuumSeconds, waiting.Elapsed.TotalSeconds, Math.Round(used, 3), false, busyWith);
    }
}
