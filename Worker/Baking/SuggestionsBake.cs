using Crumbs.Domain.Baking;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Baking;

/// <summary>
/// Who to follow, for users active in the last 7 days (posted or liked) whose suggestions are due: never baked, older
/// than the refresh interval, or older than one of their own follows. The most recent first, capped per bake, so a
/// bake costs what the due users cost, not what all active users cost. Up to 10 accounts followed by the accounts
/// they follow, which they do not follow yet, ranked by how many of their followees follow them. A join over follows
/// twice: the kind of query that belongs here, never on a request path.
/// </summary>
public static class SuggestionsBake
{
    public static async Task<IReadOnlyList<(long UserId, string Payload)>> BakeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int activeUsers, TimeSpan refreshAfter, CancellationToken ct) =>
        (await connection.QueryAsync<(long, string)>(new CommandDefinition(
            """
            with recent as (
                select user_id, max(seen) as seen from (
                    select author_id as user_id, max(created_at) as seen from posts
                    where created_at > now() - interval '7 days' group by author_id
                    union all
                    select user_id, max(created_at) from likes
                    where created_at > now() - interval '7 days' group by user_id) activity
                group by user_id),
            active as (
                select r.user_id from recent r
                left join suggestions s on s.user_id = r.user_id
                where s.user_id is null or s.baked_at < now() - @refreshAfter
                   or exists (select 1 from follows f where f.follower_id = r.user_id and f.created_at >= s.baked_at)
                order by r.seen desc limit @activeUsers),
            candidates as (
                select a.user_id, theirs.followee_id as candidate, count(*)::int as followed_by
                from active a
                join follows mine on mine.follower_id = a.user_id
                join follows theirs on theirs.follower_id = mine.followee_id
                where theirs.followee_id <> a.user_id
                  and not exists (select 1 from follows f where f.follower_id = a.user_id and f.followee_id = theirs.followee_id)
                group by a.user_id, theirs.followee_id),
            ranked as (
                select c.*, row_number() over (partition by c.user_id order by c.followed_by desc, c.candidate) as rank
                from candidates c)
            insert into suggestions (user_id, baked_at, payload)
            select a.user_id, now(), jsonb_build_object('bakedAt', now(), 'accounts', coalesce(jsonb_agg(jsonb_build_object(
                    'userId', u.id, 'handle', u.handle, 'displayName', u.display_name, 'avatarUrl', coalesce(u.avatar_small_url, u.avatar_url),
                    'followedBy', r.followed_by) order by r.rank) filter (where u.id is not null), '[]'))
            from active a
            left join ranked r on r.user_id = a.user_id and r.rank <= @count
            left join users u on u.id = r.candidate
            group by a.user_id
            on conflict (user_id) do update set baked_at = excluded.baked_at, payload = excluded.payload
            returning user_id, payload::text
            """, new { activeUsers, refreshAfter, count = Baked.SuggestionCount }, transaction, Baked.QueryTimeoutSeconds, cancellationToken: ct))).AsList();
}
