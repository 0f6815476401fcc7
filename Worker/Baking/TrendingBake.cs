using Crumbs.Domain.Baking;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Baking;

/// <summary>The 20 posts that got the most likes in the last 24 hours, with everything needed to show them.</summary>
public static class TrendingBake
{
    /// <returns>The baked payload (as served) and how many posts it holds.</returns>
    public static async Task<(string Payload, int Count)> BakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var payload = await connection.QuerySingleAsync<string>(new CommandDefinition(
            """
            with recent as (
                select post_id, count(*)::int as recent_likes from likes
                where created_at > now() - interval '24 hours'
                group by post_id order by recent_likes desc, post_id desc limit @count),
            top as (select p.*, r.recent_likes from recent r join posts p on p.id = r.post_id)
            insert into baked (name, baked_at, payload)
            select @name, now(), jsonb_build_object(
                'bakedAt', now(),
                'postIds', coalesce(jsonb_agg(id order by recent_likes desc, id desc), '[]'),
                'posts', coalesce(jsonb_agg(jsonb_build_object(
                    'id', id, 'authorId', author_id, 'authorHandle', author_handle, 'authorDisplayName', author_display_name,
                    'authorAvatarUrl', author_avatar_url, 'text', text, 'likeCount', like_count, 'createdAt', created_at,
                    'recentLikes', recent_likes) order by recent_likes desc, id desc), '[]'))
            from top
            on conflict (name) do update set baked_at = excluded.baked_at, payload = excluded.payload
            returning payload::text
            """, new { name = Baked.TrendingName, count = Baked.TrendingCount }, transaction, Baked.QueryTimeoutSeconds, cancellationToken: ct));
        return (payload, System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("postIds").GetArrayLength());
    }
}
