using Crumbs.Web.Quotas;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Follows;
using Crumbs.Domain.Posts;
using Crumbs.Web.Accounts;
using Crumbs.Web.Posts;
using Crumbs.Web.Timelines;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

public sealed class ProfileModel(CachedUsers users, FollowStore follows, Timeline timeline, CachedLikes likes) : PageModel
{
    public new Domain.Accounts.User User { get; private set; } = null!;
    public Page<Post> Posts { get; private set; } = null!;
    public IReadOnlySet<long> Liked { get; private set; } = new HashSet<long>();
    public bool CanFollow { get; private set; }
    public bool Following { get; private set; }
    public string MoreUrl => $"/users/{User.Handle}?before=";

    public async Task<IActionResult> OnGetAsync(string handle, string? before, CancellationToken ct)
    {
        var (max, limit, problem) = Cursor.Parse(before, null);
        if (problem is not null || await users.FindByHandleAsync(handle, ct) is not { } user)
        {
            return NotFound();
        }

        User = user;
        Posts = await timeline.ByAuthorAsync(user.Id, max, limit, ct);
        Liked = await likes.LikedByAsync(base.User, Posts.Items, ct);
        if (base.User.Identity?.IsAuthenticated == true && base.User.Id() != user.Id)
        {
            CanFollow = true;
            Following = await follows.IsFollowingAsync(base.User.Id(), user.Id, ct);
        }

        return Page();
    }

    [Quota(Quota.Follows)]
    public async Task<IActionResult> OnPostFollowAsync(string handle, bool follow, CancellationToken ct)
    {
        if (base.User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }

        if (await users.FindByHandleAsync(handle, ct) is not { } user || user.Id == base.User.Id())
        {
            return NotFound();
        }

        await follows.SetFollowAsync(base.User.Id(), user.Id, follow, ct);
        return Redirect($"/users/{user.Handle}");
    }
}
