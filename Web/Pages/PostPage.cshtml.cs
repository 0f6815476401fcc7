using Crumbs.Web.Quotas;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Web.Accounts;
using Crumbs.Web.Live;
using Crumbs.Web.Posts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

public sealed class PostPageModel(PostStore posts, CachedPosts cached, CachedLikes likes, LivePosts live) : PageModel
{
    public Post Post { get; private set; } = null!;
    public bool Liked { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await cached.FindAsync(id, ct) is not { } post)
        {
            return NotFound();
        }

        Post = post;
        Liked = (await likes.LikedByAsync(User, [post], ct)).Contains(post.Id);
        return Page();
    }

    [Quota(Quota.Likes)]
    public async Task<IActionResult> OnPostLikeAsync(long id, bool like, string? returnUrl, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }

        if (await posts.SetLikeAsync(id, User.Id(), like, ct) is not { } post)
        {
            return NotFound();
        }

        await live.LikesChangedAsync(post);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : $"/posts/{id}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }

        if (await posts.DeleteAsync(id, User.Id(), ct))
        {
            await live.DeletedAsync(id);
            return Redirect($"/users/{User.Identity!.Name}");
        }

        // As the API answers: 404 when there is no such post, 403 when it is someone else's (not a sign-in redirect).
        return await posts.FindAsync(id, ct) is null ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
    }
}
