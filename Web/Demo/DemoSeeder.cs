using System.Diagnostics;
using Crumbs.Domain.Accounts;
using Crumbs.Domain.Timelines;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Crumbs.Web.Demo;

/// <summary>
/// Seeds a realistic data set fast: users, long-tailed follows and posts with their author copies by binary COPY;
/// likes, the counters on the rows, and the home timelines of active users materialized as the fan-out would have
/// written them, by set-based SQL. Every demo user's password is "demo password". Into empty tables (a fresh app, as
/// the benchmarks seed) the loaded tables' keys, foreign keys and indexes are put back only after the load
/// (<see cref="DeferredSchema"/>); into tables that hold data already, everything stays and conflicts are skipped.
/// </summary>
public sealed class DemoSeeder(NpgsqlDataSource db, IOptions<TimelineOptions> options)
{
    public const string Password = "demo password";

    /// <summary>Seeding's statements are large on purpose: they get minutes, not the request budget (Domain/Hosting/Timeouts.cs).</summary>
    private const int SeedTimeoutSeconds = 3600;

    /// <summary>The tables a seed loads in bulk.</summary>
    private static readonly string[] Loaded = ["follows", "posts", "likes", "timeline_entries"];

    public async Task<DemoSeeded> SeedAsync(DemoSize size, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var steps = new Dictionary<string, double>();
        var lap = Stopwatch.StartNew();
        void Step(string name)
        {
            steps[name] = Math.Round(lap.Elapsed.TotalSeconds, 1);
            lap.Restart();
        }

        var data = new DemoData(size);
        var prefix = $"d{DateTime.UtcNow:HHmmss}{data.Next(36 * 36):x3}_";
        var hash = new PasswordHasher<User>().HashPassword(null!, Password); // one hash: PBKDF2 per user would take minutes
        var now = DateTime.UtcNow;
        var activeSince = now - options.Value.ActiveFor; // users seen after this get fan-out; the others come back to a rebuild
        var names = Enumerable.Range(0, size.Users).Select(_ => data.DisplayName()).ToArray();
        var active = Enumerable.Range(0, size.Users).Select(_ => data.Active()).ToArray();
        var follows = data.Follows(); // the set itself: a copy of 5 million pairs would only add to the peak
        var posts = data.Posts(now).ToList();
        var likes = data.Likes(posts.Count);
        // The counters the rows carry, counted here, so that no row is written twice.
        var (followers, following, written, liked) = (new int[size.Users], new int[size.Users], new int[size.Users], new int[posts.Count]);
        foreach (var (follower, followee) in follows)
        {
            following[follower]++;
            followers[followee]++;
        }

        foreach (var post in posts)
        {
            written[post.Author]++;
        }

        foreach (var like in likes)
        {
            liked[like.Post]++;
        }

        Step("generate");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        CommandDefinition Command(string sql, object? parameters = null) => new(sql, parameters, transaction, SeedTimeoutSeconds, cancellationToken: ct);
        // The joins and index builds of a large seed sort gigabytes: room for them, in this transaction only.
        await connection.ExecuteAsync(Command("set local work_mem = '256MB'; set local maintenance_work_mem = '1GB'"));

        await CopyAsync(connection,
            "copy users (handle, display_name, password_hash, bio, last_active_at, follower_count, following_count, post_count) from stdin (format binary)",
            Enumerable.Range(0, size.Users), async (writer, n) =>
            {
                await writer.WriteAsync($"{prefix}{n + 1}", ct);
                await writer.WriteAsync(names[n], ct);
                await writer.WriteAsync(hash, ct);
                await writer.WriteAsync("Demo account", ct);
                await writer.WriteAsync(active[n] ? now : activeSince.AddDays(-1 - n % 30), NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(followers[n], ct);
                await writer.WriteAsync(following[n], ct);
                await writer.WriteAsync(written[n], ct);
            }, ct);
        // COPY numbers the rows in order: the n-th id is the n-th user.
        var ids = (await connection.QueryAsync<long>(Command("select id from users where starts_with(handle, @prefix) order by id", new { prefix }))).ToArray();
        var deferred = await DeferredSchema.DropIfEmptyAsync(connection, transaction, Loaded, SeedTimeoutSeconds, ct);
        Step("users");

        await CopyAsync(connection, "copy follows (follower_id, followee_id) from stdin (format binary)", follows,
            async (writer, f) => { await writer.WriteAsync(ids[f.Follower], ct); await writer.WriteAsync(ids[f.Followee], ct); }, ct);
        Step("follows");

        await CopyAsync(connection,
            "copy posts (author_id, author_handle, author_display_name, text, created_at, like_count) from stdin (format binary)",
            Enumerable.Range(0, posts.Count), async (writer, n) =>
            {
                var p = posts[n];
                await writer.WriteAsync(ids[p.Author], ct);
                await writer.WriteAsync($"{prefix}{p.Author + 1}", ct);
                await writer.WriteAsync(names[p.Author], ct);
                await writer.WriteAsync(data.Text(), ct);
                await writer.WriteAsync(p.CreatedAt, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(liked[n], ct);
            }, ct);
        // As for users: the n-th id is the n-th post (no one else writes as these users before the commit).
        var postIds = (await connection.QueryAsync<long>(Command(
            "select id from posts where author_id between @first and @last order by id", new { first = ids[0], last = ids[^1] }))).ToArray();
        Step("posts");

        await CopyAsync(connection, "copy likes (user_id, post_id, created_at) from stdin (format binary)", likes, async (writer, l) =>
        {
            await writer.WriteAsync(ids[l.User], ct);
            await writer.WriteAsync(postIds[l.Post], ct);
            await writer.WriteAsync(now.AddSeconds(-l.SecondsAgo), NpgsqlDbType.TimestampTz, ct);
        }, ct);
        Step("likes");

        var range = new { first = ids[0], last = ids[^1], threshold = options.Value.CelebrityThreshold, activeSince };
        // Into empty tables no entry can clash (no self-follows, and each follow is one pair): no conflict check needed.
        var timelineEntries = await connection.ExecuteAsync(Command(DemoSql.Timelines + (deferred is null ? " on conflict do nothing" : ""), range));
        Step("timelines");

        if (deferred is not null)
        {
            await deferred.RestoreAsync(connection, transaction, SeedTimeoutSeconds, ct);
            Step("keys and indexes");
        }

        // Statistics in the same transaction, so they become visible with the rows: a bake that starts right after the
        // commit must not plan its joins over "empty" tables (it did, and kept a Postgres core busy for minutes).
        await connection.ExecuteAsync(Command("analyze users; analyze follows; analyze posts; analyze likes; analyze timeline_entries"));
        Step("analyze");
        await transaction.CommitAsync(ct);
        Step("commit");
        return new DemoSeeded(prefix, ids.Length, follows.Count, posts.Count, likes.Count, timelineEntries, clock.Elapsed.TotalSeconds,
            active.Count(a => a), activeSince, steps);
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string copy, IEnumerable<T> rows,
        Func<NpgsqlBinaryImporter, T, Task> write, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copy, ct);
        writer.Timeout = TimeSpan.FromSeconds(SeedTimeoutSeconds);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            await write(writer, row);
        }

        await writer.CompleteAsync(ct);
    }
}
