using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Media;

/// <summary>A stored picture: immutable, so its URL and ETag never change.</summary>
public sealed record StoredMedia(Guid Id, string ContentType, string Sha256, byte[] Bytes);

/// <summary>Pictures in Postgres: any clone can serve any picture, and none keeps one on its disk.</summary>
public sealed class MediaStore(NpgsqlDataSource db)
{
    public static string UrlOf(Guid id) => $"/media/{id:N}";

    public static async Task<Guid> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        long ownerId, ImageInfo image, byte[] bytes, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into media (id, owner_id, content_type, width, height, sha256, bytes)
            values (@id, @ownerId, @ContentType, @Width, @Height, @sha256, @bytes)
            """,
            new { id, ownerId, image.ContentType, image.Width, image.Height, sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes },
            transaction, cancellationToken: ct));
        return id;
    }

    public async Task<StoredMedia?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StoredMedia>(new CommandDefinition(
            "select id, content_type as ContentType, sha256, bytes from media where id = @id", new { id }, cancellationToken: ct));
    }
}
