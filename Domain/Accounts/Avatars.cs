using Crumbs.Domain.Caching;
using Crumbs.Domain.Media;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Accounts;

/// <summary>Switches a user to a new picture in one transaction: the picture and the profile change land together or not at all.</summary>
public sealed class Avatars(NpgsqlDataSource db, CacheInvalidation cache)
{
    public async Task<string> ReplaceAsync(long userId, ImageInfo image, byte[] bytes, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var url = MediaStore.UrlOf(await MediaStore.InsertAsync(connection, transaction, userId, image, bytes, ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "update users set avatar_url = @url, updated_at = now() where id = @userId",
            new { url, userId }, transaction, cancellationToken: ct));
        await Outbox.EnqueueAsync(connection, transaction, Queues.ProfileChanged, Guid.CreateVersion7(), new ProfileChanged(userId), $"user:{userId}", ct);
        await transaction.CommitAsync(ct);
        await cache.UsersChangedAsync([userId], ct);
        return url;
    }
}
