using Crumbs.Domain.Posts;

namespace Crumbs.Web.Posts;

/// <summary>
/// A post as the API shows it: {"id","text","createdAt","likeCount","author":{...},"likedByMe"}. The post object is
/// shared by every viewer; likedByMe is the one viewer's (see Domain/Caching/CachedLikes.cs), false when signed out.
/// </summary>
public sealed record PostDto(long Id, string Text, DateTime CreatedAt, int LikeCount, AuthorDto Author, bool LikedByMe)
{
    public static PostDto Of(Post post, bool likedByMe) => new(post.Id, post.Text, post.CreatedAt, post.LikeCount,
        new AuthorDto(post.AuthorHandle, post.AuthorDisplayName, post.AuthorAvatarUrl), likedByMe);

    public static Page<PostDto> PageOf(Page<Post> page, IReadOnlySet<long> liked) =>
        new(page.Items.Select(p => Of(p, liked.Contains(p.Id))).ToList(), page.Next);
}

public sealed record AuthorDto(string Handle, string DisplayName, string? AvatarUrl);
