using Crumbs.Domain.Caching;
using Crumbs.Domain.Database;
using Crumbs.Domain.Messaging;
using Dapper;
using Npgsql;

namespace Crumbs.Domain.Posts;

/// <summary>
/// The posts table. Hot reads are single indexed statements without a JOIN; writes change the counters on the
/// rows and enqueue what the workers must do next in the same transaction (the outbox).
/// </summary>
public sealed class PostStore(NpgsqlDataSource db, CacheInvalidation cache, OutboxBell bell)
{
    public const string Columns =
        "id, author_id as AuthorId, author_handle as AuthorHandle, author_display_name as AuthorDisplayName, " +
        "author_avatar_url as AuthorAvatarUrl, text, like_count as LikeCount, created_at as CreatedAt";

    /// <summary>Writes a post; with its author's follower count as the transaction saw it (celebrities are not fanned out).</summary>
    public async Task<CreatedPost> CreateAsync(long authorId, string text, CancellationToken ct)
    {
        // Two round trips: one batch (the post, its author's counter and own entry, the outbox row; then the
        // transaction id and the author's follower count), then the commit.
        var parameters = new DynamicParameters(new { authorId, text });
        var message = Outbox.FirstMessageFrom<PostCreated>("post", "'post:' || id",
            $"jsonb_build_object('PostId', id, 'AuthorId', author_id, 'CreatedAt', {Outbox.JsonTime("created_at")})",
            parameters, Queues.PostCreated);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        Post post;
        Written written;
        await using (var batch = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            with author as (
                update users set post_count = post_count + 1 where id = @authorId
                returning id, handle, display_name, avatar_url),
            post as (
                insert into posts (author_id, author_handle, author_display_name, author_avatar_url, text)
                select id, handle, display_name, avatar_url, @text from author
                returning *),
            own as (  -- the author sees their own post at once; followers get it through the fan-out
                insert into timeline_entries (user_id, post_id, author_id) select author_id, id, author_id from post),
            message as ({message})
            select {Columns} from post;
            select pg_current_xact_id()::text as xid, follower_count as followers from users where id = @authorId;
            """, parameters, transaction, cancellationToken: ct)))
        {
            post = await batch.ReadSingleAsync<Post>();
            written = await batch.ReadSingleAsync<Written>();
        }

        await transaction.CommitSurelyAsync(db, written.Xid, ct);
        await connection.CloseAsync();   // back to the pool before the caches are told: the pool is small (ConnectionPool)
        bell.Ring();
        await cache.AuthorPostedAsync(authorId, written.Followers, ct);   // post_count, the author's own entry, a celebrity's window
        return new CreatedPost(post, written.Followers);
    }

    public async Task<Post?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Post>(new CommandDefinition(
            $"select {Columns} from posts where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Many posts by id in one statement; missing (deleted) ones are simply absent.</summary>
    public async Task<IReadOnlyList<Post>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Post>(new CommandDefinition(
            $"select {Columns} from posts where id = any(@ids)", new { ids = ids.ToArray() }, cancellationToken: ct))).AsList();
    }

    /// <summary>A user's posts, newest first: one range read of posts_by_author.</summary>
    public async Task<IReadOnlyList<Post>> ByAuthorAsync(long authorId, long before, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Post>(new CommandDefinition(
            $"select {Columns} from posts where author_id = @authorId and id < @before order by id desc limit @limit",
            new { authorId, before, limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>Deletes the post if this user wrote it; false if there is no such post of theirs.</summary>
    public async Task<bool> DeleteAsync(long id, long authorId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            with gone as (delete from posts where id = @id and author_id = @authorId returning author_id)
            update users set post_count = post_count - 1 where id in (select author_id from gone)
            """, new { id, authorId }, transaction, cancellationToken: ct));
        if (deleted == 0)
        {
            return false;
        }

        await Outbox.EnqueueAsync(connection, transaction, Queues.PostDeleted, Guid.CreateVersion7(),
            new PostDeleted(id, authorId), $"post:{id}", ct);
        await transaction.CommitSurelyAsync(db, ct);
        await connection.CloseAsync();
        bell.Ring();
        await cache.PostsChangedAsync([id], ct);
        await cache.AuthorPostDeletedAsync(authorId, ct);
        return true;
    }

    /// <summary>Likes or unlikes, idempotently: the count moves only when the like row really appears or goes.</summary>
    public async Task<Post?> SetLikeAsync(long postId, long userId, bool like, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var sql = like
            ? """
              with added as (insert into likes (user_id, post_id) select @userId, id from posts where id = @postId
                             on conflict do nothing returning post_id)
              update posts set like_count = like_count + 1 where id in (select post_id from added)
              """
            : """
              with removed as (delete from likes where user_id = @userId and post_id = @postId returning post_id)
              update posts set like_count = like_count - 1 where id in (select post_id from removed)
              """;
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, new { postId, userId }, cancellationToken: ct)) > 0;
        var post = await connection.QuerySingleOrDefaultAsync<Post>(new CommandDefinition(
            $"select {Columns} from posts where id = @postId", new { postId }, cancellationToken: ct));
        await connection.CloseAsync();
        if (changed)
        {
            await cache.PostsChangedAsync([postId], ct);             // like_count
        }

        if (post is not null)
        {
            await cache.LikeChangedAsync(userId, postId, like);      // the viewer's likes:{userId} set
        }

        return post;
    }

    /// <summary>The transaction id (for a sure commit) and the author's follower count, read in the post's batch.</summary>
    private sealed record Written(string Xid, int Followers);
}

/// <summary>A post just written, and how many followers its author had then.</summary>
public sealed record CreatedPost(Post Post, int AuthorFollowers);
