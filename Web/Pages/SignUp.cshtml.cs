using Crumbs.Web.Quotas;
using Crumbs.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

public sealed class SignUpModel(AccountService accounts) : PageModel
{
    [BindProperty] public string? Handle { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Password { get; set; }

    [Quota(Quota.SignUps)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (user, errors, taken) = await accounts.SignUpAsync(Handle, DisplayName, Password, ct);
        foreach (var (field, messages) in errors)
        {
            ModelState.AddModelError(field, string.Join(" ", messages));
        }

        if (taken)
        {
            ModelState.AddModelError(nameof(Handle), "That handle is taken; choose another.");
        }

        if (user is null)
        {
            return Page();
        }

        await AccountService.StartSessionAsync(HttpContext, user.Id, user.Handle);
        return Redirect("/");
    }
}
