using Crumbs.Domain.Baking;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Baking;

/// <summary>
/// Who to follow, for users seen in the last 7 days (<c>users.last_active_at</c>, which a signed-in read keeps fresh:
/// the same activity the fan-out goes by) whose suggestions are due: never baked, older than the refresh interval, or
/// older than one of their own follows. The most recent first, capped per bake, so a bake costs what the due users
/// cost, not what the site's activity costs. For each, up to 10 accounts followed by the accounts they follow, which
/// they do not follow yet, ranked by how many of their followees follow them: computed one user at a time (their
/// followees' follows, about 2,500 rows for 50 follows), never as one join of every due user's friends of friends.
/// A join over follows twice: the kind of query that belongs here, never on a request path.
/// </summary>
/// <remarks>
/// The bake this replaces found "active" by grouping every post and like of the week, and ranked all due users'
/// candidates in one join, anti-joined with the whole follows table: 9.9 s of Postgres each minute with the 1M-post
/// sweep's data (1.2M buffers read), which landed in whichever scenario the bench was measuring.
/// </remarks>
public static class SuggestionsBake
{
    public static async Task<IReadOnlyList<(long UserId, string Payload)>> BakeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int activeUsers, TimeSpan refreshAfter, CancellationToken ct) =>
        (await connection.QueryAsync<(long, string)>(new CommandDefinition(
            """
            with active as materialized (
                select u.id as user_id from users u
                left join suggestions s on s.user_id = u.id
                where u.last_active_at > now() - interval '7 days'
                  and (s.user_id is null or s.baked_at < now() - @refreshAfter
                       or exists (select 1 from follows f where f.follower_id = u.id and f.created_at >= s.baked_at))
                order by u.last_active_at desc, u.id limit @activeUsers)
            insert into suggestions (user_id, baked_at, payload)
            select a.user_id, now(), jsonb_build_object('bakedAt', now(), 'accounts', coalesce((
                select jsonb_agg(jsonb_build_object(
                    'userId', u.id, 'handle', u.handle, 'displayName', u.display_name, 'avatarUrl', coalesce(u.avatar_small_url, u.avatar_url),
                    'followedBy', top.followed_by) order by top.followed_by desc, top.candidate)
                from (
                    select theirs.followee_id as candidate, count(*)::int as followed_by
                    from follows mine
                    join follows theirs on theirs.follower_id = mine.followee_id
                    where mine.follower_id = a.user_id and theirs.followee_id <> a.user_id
                      and not exists (select 1 from follows f where f.follower_id = a.user_id and f.followee_id = theirs.followee_id)
                    group by theirs.followee_id
                    order by followed_by desc, candidate limit @count) top
                join users u on u.id = top.candidate), '[]'::jsonb))
            from active a
            on conflict (user_id) do update set baked_at = excluded.baked_at, payload = excluded.payload
            returning user_id, payload::text
            """, new { activeUsers, refreshAfter, count = Baked.SuggestionCount }, transaction, Baked.QueryTimeoutSeconds, cancellationToken: ct))).AsList();
}
