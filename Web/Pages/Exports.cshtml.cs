using Crumbs.Web.Quotas;
using Crumbs.Domain.Exports;
using Crumbs.Domain.Jobs;
using Crumbs.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

/// <summary>A person's data exports and their state; works without JavaScript (a meta refresh while one runs).</summary>
[Authorize]
public sealed class ExportsModel(JobStore jobs, ExportStore exports) : PageModel
{
    public IReadOnlyList<Job> Exports { get; private set; } = [];
    [TempData] public string? Started { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Exports = await jobs.ListAsync(User.Id(), JobKinds.Export, 20, ct);

    [Quota(Quota.Exports)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await exports.RequestAsync(User.Id(), ct);
        Started = "Your export has started. This page shows when it is ready.";
        return RedirectToPage();
    }
}
