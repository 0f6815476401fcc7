using Crumbs.Web.Quotas;
using Crumbs.Domain.Posts;
using Crumbs.Web.Accounts;
using Crumbs.Web.Live;
using Crumbs.Web.Timelines;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

public sealed class IndexModel(Timeline timeline, PostStore posts, LivePosts live) : PageModel
{
    public Page<Post>? Timeline { get; private set; }
    public string? Draft { get; private set; }
    public string MoreUrl => "/?before=";

    public async Task<IActionResult> OnGetAsync(string? before, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Page();
        }

        var (max, limit, problem) = Cursor.Parse(before, null);
        if (problem is not null)
        {
            return BadRequest();
        }

        Timeline = await timeline.HomeAsync(User.Id(), max, limit, ct);
        return Page();
    }

    [Quota(Quota.Posts)]
    public async Task<IActionResult> OnPostPostAsync(string? text, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }

        var (clean, problem) = PostRules.Check(text);
        if (clean is null)
        {
            ModelState.AddModelError("text", problem!);
            Draft = text;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Timeline = await timeline.HomeAsync(User.Id(), long.MaxValue, Cursor.DefaultLimit, ct);
            return Page();
        }

        await live.CreatedAsync(await posts.CreateAsync(User.Id(), clean, ct), ct);
        return RedirectToPage();
    }
}
