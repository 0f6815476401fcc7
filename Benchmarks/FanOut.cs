using System.Diagnostics;

namespace Crumbs.Benchmarks;

public sealed record FanOutResult(double PostsPerSecond, int Posts, int Delivered, double P50Ms, double P99Ms, double MaxMs, double AverageFollowers, int FailedPosts,
    long FollowerEntries, double WorkerCpuSeconds)
{
    /// <summary>Worker CPU per timeline entry delivered to a follower, in µs (all the workers' CPU in the window, relay and bakes included).</summary>
    public double WorkerMicrosPerEntry => FollowerEntries == 0 ? double.NaN : WorkerCpuSeconds * 1e6 / FollowerEntries;
}

/// <summary>
/// How long a post takes to reach every follower's timeline, measured from the database: every 100 ms, count each
/// pending post's timeline_entries (one per follower plus the author's own) and, once complete, take
/// clock_timestamp() − created_at. Resolution: the poll interval. Meanwhile the workers' CPU time is summed, and at
/// the end divided by the timeline entries the posts made for followers (the author's own entry excluded).
/// </summary>
public static class FanOut
{
    public static async Task<FanOutResult> MeasureAsync(DataSet data, IReadOnlyList<DemoUser> authors, Task<(int Sent, int Failed, double Seconds)> load, TimeSpan drain,
        Func<long> workerTicks)
    {
        var workerBefore = workerTicks();
        var authorIds = authors.Select(a => a.Id).ToArray();
        // Only active followers get the post (--active); users signed in since count, as the fan-out sees them.
        var expected = (await data.ListAsync(
            "select followee_id, count(*) from follows join users r on r.id = follower_id and r.last_active_at > @since where followee_id = any(@a) group by followee_id",
            r => (r.GetInt64(0), r.GetInt64(1)), ("a", authorIds), ("since", data.ActiveSince))).ToDictionary(x => x.Item1, x => x.Item2 + 1);
        var start = await data.ScalarAsync("select coalesce(max(id), 0) from posts");
        var known = new List<long>(); // posts commit out of id order: a high-water mark would skip the slow ones
        var pending = new Dictionary<long, long>(); // post id → entries expected
        var delays = new List<double>();
        var seen = 0;
        Stopwatch? draining = null;
        while (draining is null || (pending.Count > 0 && draining.Elapsed < drain))
        {
            if (load.IsCompleted && draining is null)
            {
                draining = Stopwatch.StartNew();
            }

            foreach (var (id, author) in await data.ListAsync("select id, author_id from posts where id > @start and author_id = any(@a) and id <> all(@known)",
                r => (r.GetInt64(0), r.GetInt64(1)), ("start", start), ("a", authorIds), ("known", known.ToArray())))
            {
                pending[id] = expected.GetValueOrDefault(author, 1);
                known.Add(id);
                seen++;
            }

            foreach (var (id, count, ageMs) in await data.ListAsync(
                """
                select p.id, (select count(*) from timeline_entries t where t.post_id = p.id
                              and t.user_id in (select follower_id from follows where followee_id = p.author_id union all select p.author_id)),
                       extract(epoch from clock_timestamp() - p.created_at) * 1000
                from posts p where p.id = any(@ids)
                """, r => (r.GetInt64(0), r.GetInt64(1), Convert.ToDouble(r.GetValue(2))), ("ids", pending.Keys.ToArray())))
            {
                if (count >= pending[id])
                {
                    delays.Add(ageMs);
                    pending.Remove(id);
                }
            }

            await Task.Delay(100);
        }

        var workerSeconds = (workerTicks() - workerBefore) / 100.0;
        var entries = await data.ScalarAsync(
            """
            select count(*) from posts p join follows f on f.followee_id = p.author_id
            join timeline_entries t on t.user_id = f.follower_id and t.post_id = p.id
            where p.id = any(@ids)
            """, ("ids", known.ToArray()));
        var (sent, failed, seconds) = await load;
        delays.Sort();
        return new FanOutResult(sent / seconds, seen, delays.Count, Percentile(delays, 50), Percentile(delays, 99),
            delays.Count > 0 ? delays[^1] : double.NaN, expected.Values.DefaultIfEmpty(1).Average() - 1, failed, entries, workerSeconds);
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
