using Crumbs.Web.Quotas;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Crumbs.Web.Accounts;
using Crumbs.Web.Live;
using Crumbs.Web.Posts;
using Crumbs.Web.Timelines;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

public sealed class IndexModel(Timeline timeline, TimelineStore store, PostStore posts, LivePosts live, CachedLikes likes) : PageModel
{
    public Page<Post>? Timeline { get; private set; }
    public IReadOnlySet<long> Liked { get; private set; } = new HashSet<long>();
    public string? Draft { get; private set; }
    public string MoreUrl => "/?before=";

    /// <summary>The first page of a signed-in home timeline listens on the live channel (wwwroot/js/live.js).</summary>
    public bool Live { get; private set; }

    public long Newest => Timeline?.Items.Count > 0 ? Timeline.Items.Max(p => p.Id) : 0;

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

        (Timeline, Liked) = await timeline.HomeAsync(User.Id(), max, limit, ct);
        Live = string.IsNullOrEmpty(before);
        return Page();
    }

    /// <summary>The posts right after an open page's newest one, as the page renders them (live.js puts them on top).</summary>
    public async Task<IActionResult> OnGetNewerAsync(string? after, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Unauthorized();
        }

        if (Cursor.ParseAfter(after) is not ({ } min, null))
        {
            return BadRequest();
        }

        var page = Cursor.NewerPageOf(await store.NewerAsync(User.Id(), min, Cursor.DefaultLimit, ct), Cursor.DefaultLimit, p => p.Id);
        // The like and delete forms come back to the page they are on: home, not this fragment's address.
        Request.QueryString = QueryString.Empty;
        return Partial("_NewPosts", (page, await likes.LikedByAsync(User, page.Items, ct)));
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
            (Timeline, Liked) = await timeline.HomeAsync(User.Id(), long.MaxValue, Cursor.DefaultLimit, ct);
            return Page();
        }

        await live.CreatedAsync(await posts.CreateAsync(User.Id(), clean, ct));
        return RedirectToPage();
    }
}
