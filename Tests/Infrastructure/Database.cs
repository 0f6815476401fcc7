using Npgsql;

namespace Crumbs.Tests.Infrastructure;

/// <summary>
/// The app's database, for what only it shows (leases, bake runs) and for test data that has no API in this branch
/// yet (posts, likes, follows), written the way the stores write it.
/// </summary>
public sealed class Database(CrumbsApp crumbs)
{
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var result = await command.ExecuteScalarAsync(Ct);
        return result is DBNull or null ? default! : (T)result;
    }

    /// <summary>Every row, each as its columns' values.</summary>
    public async Task<List<object[]>> RowsAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<object[]>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    public Task<long> UserIdAsync(string handle) => ScalarAsync<long>("select id from users where handle = @handle", ("handle", handle));

    /// <summary>A user with no password anyone knows, for likes and follows in bulk.</summary>
    public Task<long> CreateUserAsync(string handle) => ScalarAsync<long>(
        "insert into users (handle, display_name, password_hash) values (@handle, @handle, 'x') returning id", ("handle", handle));

    /// <summary>A post with its author's copy, as PostStore.CreateAsync writes it (without the fan-out).</summary>
    public Task<long> CreatePostAsync(long authorId, string text) => ScalarAsync<long>(
        """
        with author as (update users set post_count = post_count + 1 where id = @authorId returning id, handle, display_name, avatar_url)
        insert into posts (author_id, author_handle, author_display_name, author_avatar_url, text)
        select id, handle, display_name, avatar_url, @text from author returning id
        """, ("authorId", authorId), ("text", text));

    /// <summary>A like given <paramref name="ago"/> before now, with the post's count, as PostStore.SetLikeAsync does.</summary>
    public Task<int> LikeAsync(long userId, long postId, TimeSpan ago = default) => ScalarAsync<int>(
        """
        with added as (insert into likes (user_id, post_id, created_at) values (@userId, @postId, now() - @ago) returning post_id)
        update posts set like_count = like_count + 1 where id in (select post_id from added) returning like_count
        """, ("userId", userId), ("postId", postId), ("ago", ago));

    public Task<int> FollowAsync(long followerId, long followeeId) => ScalarAsync<int>(
        """
        with added as (insert into follows (follower_id, followee_id) values (@followerId, @followeeId) returning 1)
        update users set following_count = following_count + 1 where id = @followerId and exists (select 1 from added) returning 1
        """, ("followerId", followerId), ("followeeId", followeeId));

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await crumbs.App.GetConnectionStringAsync("db", Ct));
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };   // measurements load a lot of data
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
