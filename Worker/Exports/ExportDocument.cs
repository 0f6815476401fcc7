using System.IO.Compression;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Crumbs.Worker.Exports;

/// <summary>Everything Crumbs holds about one person, as one JSON document (zipped when it is large).</summary>
public sealed record ExportDocument(
    DateTimeOffset ExportedAt,
    ExportDocument.Account Profile,
    IReadOnlyList<ExportDocument.Post> Posts,
    IReadOnlyList<ExportDocument.Follow> Following,
    IReadOnlyList<ExportDocument.Follow> Followers,
    IReadOnlyList<ExportDocument.LikedPost> Likes)
{
    private const int ZipAbove = 1024 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public sealed record Account(string Handle, string DisplayName, string Bio, string? AvatarUrl, DateTime CreatedAt);

    public sealed record Post(long Id, string Text, int LikeCount, DateTime CreatedAt);

    public sealed record Follow(string Handle, DateTime Since);

    public sealed record LikedPost(long PostId, string AuthorHandle, string Text, DateTime LikedAt);

    /// <summary>Reads the person's data part by part, reporting progress (10–80) between the parts.</summary>
    public static async Task<ExportDocument> ReadAsync(NpgsqlDataSource db, long userId, Func<int, Task> progress, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot, so the parts agree with each other (a post liked meanwhile is in both or neither).
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        async Task<List<T>> Query<T>(string sql) =>
            (await connection.QueryAsync<T>(new CommandDefinition(sql, new { userId }, transaction, cancellationToken: ct))).AsList();

        var account = (await Query<Account>(
            "select handle, display_name as DisplayName, bio, avatar_url as AvatarUrl, created_at as CreatedAt from users where id = @userId")).Single();
        await progress(10);
        var posts = await Query<Post>(
            "select id, text, like_count as LikeCount, created_at as CreatedAt from posts where author_id = @userId order by id");
        await progress(40);
        var following = await Query<Follow>(
            "select u.handle, f.created_at as Since from follows f join users u on u.id = f.followee_id where f.follower_id = @userId order by f.created_at");
        var followers = await Query<Follow>(
            "select u.handle, f.created_at as Since from follows f join users u on u.id = f.follower_id where f.followee_id = @userId order by f.created_at");
        await progress(60);
        var likes = await Query<LikedPost>(
            """
            select l.post_id as PostId, p.author_handle as AuthorHandle, p.text, l.created_at as LikedAt
            from likes l join posts p on p.id = l.post_id where l.user_id = @userId order by l.created_at
            """);
        await progress(80);
        return new ExportDocument(DateTimeOffset.UtcNow, account, posts, following, followers, likes);
    }

    /// <summary>The file to download: the JSON itself, or a zip holding it when it is over 1 MB.</summary>
    public Crumbs.Domain.Exports.ExportFile ToFile()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(this, Json);
        var name = $"crumbs-{Profile.Handle}-{ExportedAt:yyyyMMdd}";
        if (json.Length <= ZipAbove)
        {
            return new("application/json", $"{name}.json", json);
        }

        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry($"{name}.json", CompressionLevel.Optimal).Open();
            entry.Write(json);
        }

        return new("application/zip", $"{name}.zip", zipped.ToArray());
    }
}
