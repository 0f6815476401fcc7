using Crumbs.Domain.Posts;

namespace Crumbs.Web.Posts;

/// <summary>A post as the API shows it: {"id","text","createdAt","likeCount","author":{...}}.</summary>
public sealed record PostDto(long Id, string Text, DateTime CreatedAt, int LikeCount, AuthorDto Author)
{
    public static PostDto Of(Post post) => new(post.Id, post.Text, post.CreatedAt, post.LikeCount,
        new AuthorDto(post.AuthorHandle, post.AuthorDisplayName, post.AuthorAvatarUrl));

    public static Page<PostDto> PageOf(Page<Post> page) => new(page.Items.Select(Of).ToList(), page.Next);
}

public sealed record AuthorDto(string Handle, string DisplayName, string? AvatarUrl);
