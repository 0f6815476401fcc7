using System.Diagnostics;
using Crumbs.Domain.Accounts;
using Crumbs.Domain.Timelines;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using NpgsqlTypes;

namespace Crumbs.Web.Demo;

/// <summary>
/// Seeds a realistic data set in seconds with bulk COPY: users, long-tailed follows, posts with their author
/// copies, likes, the counters on the rows, and every home timeline materialized as the fan-out would have.
/// Every demo user's password is "demo password". Into empty tables (a fresh app, as the benchmarks seed) the
/// secondary indexes are dropped first and built after the load, which is much faster than keeping them up to date
/// row by row; the primary keys stay (ON CONFLICT needs them).
/// </summary>
public sealed class DemoSeeder(NpgsqlDataSource db, TimelineStore timelines)
{
    public const string Password = "demo password";

    /// <summary>Seeding's statements are large on purpose: they get minutes, not the request budget (Domain/Hosting/Timeouts.cs).</summary>
    private const int SeedTimeoutSeconds = 1800;

    /// <summary>The tables a seed loads in bulk.</summary>
    private static readonly string[] Loaded = ["follows", "posts", "likes", "timeline_entries"];

    public async Task<DemoSeeded> SeedAsync(DemoSize size, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var data = new DemoData(size);
        var prefix = $"d{DateTime.UtcNow:HHmmss}{data.Next(36 * 36):x3}_";
        var hash = new PasswordHasher<User>().HashPassword(null!, Password); // one hash: PBKDF2 per user would take minutes

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var names = Enumerable.Range(0, size.Users).Select(_ => data.DisplayName()).ToArray();
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(
            """
            insert into users (handle, display_name, password_hash, bio)
            select @prefix || n, name, @hash, 'Demo account' from unnest(@names) with ordinality as u(name, n)
            order by n returning id
            """, new { prefix, names, hash }, transaction, SeedTimeoutSeconds, cancellationToken: ct))).Order().ToArray();

        var deferred = await DropIndexesIfEmptyAsync(connection, transaction, ct);
        var follows = data.Follows().ToList();
        await CopyAsync(connection, "copy follows (follower_id, followee_id) from stdin (format binary)", follows,
            async (writer, f) => { await writer.WriteAsync(ids[f.Follower], ct); await writer.WriteAsync(ids[f.Followee], ct); }, ct);

        var posts = data.Posts(DateTime.UtcNow).ToList();
        await CopyAsync(connection,
            "copy posts (author_id, author_handle, author_display_name, text, created_at) from stdin (format binary)", posts,
            async (writer, p) =>
            {
                await writer.WriteAsync(ids[p.Author], ct);
                await writer.WriteAsync($"{prefix}{p.Author + 1}", ct);
                await writer.WriteAsync(names[p.Author], ct);
                await writer.WriteAsync(data.Text(), ct);
                await writer.WriteAsync(p.CreatedAt, NpgsqlDbType.TimestampTz, ct);
            }, ct);

        var timelineEntries = await DeriveAsync(connection, transaction, ids, size.Likes, ct);
        foreach (var definition in deferred)
        {
            await connection.ExecuteAsync(new CommandDefinition(definition, transaction: transaction, commandTimeout: SeedTimeoutSeconds, cancellationToken: ct));
        }

        // Statistics in the same transaction, so they become visible with the rows: a bake that starts right after the
        // commit must not plan its joins over "empty" tables (it did, and kept a Postgres core busy for minutes).
        await connection.ExecuteAsync(new CommandDefinition("analyze users; analyze follows; analyze posts; analyze likes; analyze timeline_entries",
            transaction: transaction, commandTimeout: SeedTimeoutSeconds, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return new DemoSeeded(prefix, ids.Length, follows.Count, posts.Count, size.Likes, timelineEntries, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// When every loaded table is empty: drops their indexes that back no constraint and returns their definitions
    /// (read from the catalog, so they are the migrations' own) to build after the load. Otherwise none.
    /// </summary>
    private static async Task<List<string>> DropIndexesIfEmptyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var indexes = (await connection.QueryAsync<(string Name, string Definition)>(new CommandDefinition(
            """
            select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            from pg_index i
            where i.indrelid = any(@tables::regclass[])
              and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
              and not exists (select 1 from follows) and not exists (select 1 from posts)
              and not exists (select 1 from likes) and not exists (select 1 from timeline_entries)
            """, new { tables = Loaded }, transaction, SeedTimeoutSeconds, cancellationToken: ct))).ToList();
        if (indexes.Count > 0)
        {
            // Building them afterwards sorts in memory: give it room (this transaction only).
            await connection.ExecuteAsync(new CommandDefinition("set local maintenance_work_mem = '256MB'", transaction: transaction, cancellationToken: ct));
        }

        foreach (var (name, _) in indexes)
        {
            await connection.ExecuteAsync(new CommandDefinition($"drop index {name}", transaction: transaction, cancellationToken: ct));
        }

        return [.. indexes.Select(i => i.Definition)];
    }

    /// <summary>Likes, counters and timelines follow from the rows just copied; set-based SQL does them at once.</summary>
    private async Task<long> DeriveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, int likes, CancellationToken ct)
    {
        var first = ids[0];
        var last = ids[^1];
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into likes (user_id, post_id, created_at)
            select distinct on (u, p) u, p, now() - random() * interval '2 days' from (
                select @first + floor(random() * (@last - @first + 1))::bigint as u, id as p
                from posts, generate_series(1, 3) where author_id between @first and @last
                order by random() limit @likes) pairs
            on conflict do nothing;
            update posts set like_count = l.n from (select post_id, count(*) n from likes group by post_id) l
            where posts.id = l.post_id and posts.author_id between @first and @last;
            update users set follower_count = f.n from (select followee_id, count(*) n from follows group by followee_id) f
            where users.id = f.followee_id and users.id between @first and @last;
            update users set following_count = f.n from (select follower_id, count(*) n from follows group by follower_id) f
            where users.id = f.follower_id and users.id between @first and @last;
            update users set post_count = p.n from (select author_id, count(*) n from posts group by author_id) p
            where users.id = p.author_id and users.id between @first and @last;
            with celebrities as (select id from users where id between @first and @last and follower_count > @threshold),
            written as (
                insert into timeline_entries (user_id, post_id, author_id)
                select f.follower_id, p.id, p.author_id from follows f join posts p on p.author_id = f.followee_id
                where f.followee_id between @first and @last and f.followee_id not in (select id from celebrities)
                union all
                select author_id, id, author_id from posts where author_id between @first and @last
                on conflict do nothing returning 1)
            select count(*) from written;
            """, new { first, last, likes, threshold = timelines.CelebrityThreshold }, transaction, commandTimeout: SeedTimeoutSeconds, cancellationToken: ct));
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
