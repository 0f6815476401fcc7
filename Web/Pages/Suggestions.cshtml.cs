using Crumbs.Domain.Baking;
using Crumbs.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

/// <summary>Who to follow, exactly as last baked for this user.</summary>
[Authorize]
public sealed class SuggestionsModel(BakedReads baked) : PageModel
{
    public Suggestions Suggestions { get; private set; } = new(null, []);

    public async Task OnGetAsync(CancellationToken ct) => Suggestions = await baked.SuggestionsAsync(User.Id(), ct);
}
