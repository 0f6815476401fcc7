using Crumbs.Domain.Accounts;
using Crumbs.Domain.Follows;
using Crumbs.Domain.Posts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

public sealed class ConnectionsModel(UserStore users, FollowStore follows) : PageModel
{
    public new Domain.Accounts.User User { get; private set; } = null!;
    public bool Followers { get; private set; }
    public IReadOnlyList<Domain.Accounts.User> People { get; private set; } = [];
    public string? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync(string handle, string list, string? before, CancellationToken ct)
    {
        var (max, limit, problem) = Cursor.Parse(before, null);
        if (problem is not null || await users.FindByHandleAsync(handle, ct) is not { } user)
        {
            return NotFound();
        }

        (User, Followers) = (user, list == "followers");
        var ids = await follows.ListAsync(user.Id, Followers, max, limit, ct);
        var rows = (await users.FindManyAsync(ids, ct)).ToDictionary(u => u.Id);
        People = ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
        Next = ids.Count == limit ? Cursor.Of(ids[^1]) : null;
        return Page();
    }
}
