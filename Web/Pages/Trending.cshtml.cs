using Crumbs.Domain.Baking;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

/// <summary>Trending posts, exactly as last baked: the page runs no query of its own.</summary>
public sealed class TrendingModel(BakedReads baked) : PageModel
{
    public Trending Trending { get; private set; } = new(null, [], []);

    public async Task OnGetAsync(CancellationToken ct) => Trending = await baked.TrendingAsync(ct);
}
