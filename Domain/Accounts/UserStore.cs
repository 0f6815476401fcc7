using Crumbs.Domain.Caching;
using Crumbs.Domain.Database;
using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Accounts;

/// <summary>Reads and writes the users table. Every read is one indexed row, no JOIN.</summary>
public sealed class UserStore(NpgsqlDataSource db, CacheInvalidation cache, OutboxBell bell)
{
    private const string Columns =
        "id, handle, display_name as DisplayName, bio, avatar_url as AvatarUrl, avatar_small_url as AvatarSmallUrl, follower_count as FollowerCount, " +
        "following_count as FollowingCount, post_count as PostCount, created_at as CreatedAt";

    /// <summary>Creates the account; null when the handle is taken (in any case).</summary>
    public async Task<User?> CreateAsync(string handle, string displayName, string passwordHash, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"""
            insert into users (handle, display_name, password_hash) values (@handle, @displayName, @passwordHash)
            on conflict do nothing
            returning {Columns}
            """, new { handle, displayName, passwordHash }, cancellationToken: ct));
    }

    /// <summary>The user with this handle in any spelling <see cref="Handle.Normalize"/> accepts; null for anything else.</summary>
    public async Task<User?> FindByHandleAsync(string? input, CancellationToken ct)
    {
        if (Handle.Normalize(input) is not { } handle)
        {
            return null;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"select {Columns} from users where lower(handle) = @handle", new { handle }, cancellationToken: ct));
    }

    public async Task<User?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"select {Columns} from users where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Many users by id in one statement (a page of followers, say); missing ones are absent.</summary>
    public async Task<IReadOnlyList<User>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<User>(new CommandDefinition(
            $"select {Columns} from users where id = any(@ids)", new { ids = ids.ToArray() }, cancellationToken: ct))).AsList();
    }

    /// <param name="handle">A handle as <see cref="Handle.Normalize"/> gave it.</param>
    public async Task<(long Id, string Handle, string PasswordHash)?> FindCredentialsAsync(string handle, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<(long, string, string)?>(new CommandDefinition(
            "select id, handle, password_hash from users where lower(handle) = @handle", new { handle }, cancellationToken: ct));
    }

    public async Task<string?> GetPasswordHashAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select password_hash from users where id = @id", new { id }, cancellationToken: ct));
    }

    public async Task SetPasswordHashAsync(long id, string passwordHash, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update users set password_hash = @passwordHash, updated_at = now() where id = @id",
            new { id, passwordHash }, cancellationToken: ct));
    }

    /// <summary>Saves name and bio; a new name reaches the copies on the user's posts through the workers.</summary>
    public async Task<User?> UpdateProfileAsync(long id, string displayName, string bio, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var renamed = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select display_name <> @displayName from users where id = @id", new { id, displayName }, transaction, cancellationToken: ct));
        var user = await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"update users set display_name = @displayName, bio = @bio, updated_at = now() where id = @id returning {Columns}",
            new { id, displayName, bio }, transaction, cancellationToken: ct));
        if (renamed)
        {
            await Outbox.EnqueueAsync(connection, transaction, Queues.ProfileChanged, Guid.CreateVersion7(), new ProfileChanged(id), $"user:{id}", ct);
        }

        await transaction.CommitSurelyAsync(db, ct);
        await connection.CloseAsync();   // back to the pool before the caches are told: the pool is small (ConnectionPool)
        if (renamed)
        {
            bell.Ring();
        }

        await cache.UsersChangedAsync([id], ct);
        return user;
    }
}
