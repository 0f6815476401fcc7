namespace Crumbs.Domain.Posts;

/// <summary>A post as its one row holds it: with a copy of its author and its own like count.</summary>
public sealed record Post(
    long Id,
    long AuthorId,
    string AuthorHandle,
    string AuthorDisplayName,
    string? AuthorAvatarUrl,
    string Text,
    int LikeCount,
    DateTime CreatedAt);

/// <summary>A page of a keyset-paginated list: the next cursor is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
