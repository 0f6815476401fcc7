using Crumbs.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crumbs.Web.Pages;

public sealed class SignInModel(AccountService accounts) : PageModel
{
    [BindProperty] public string? Handle { get; set; }
    [BindProperty] public string? Password { get; set; }

    public async Task<IActionResult> OnPostAsync([FromQuery] string? returnUrl, CancellationToken ct)
    {
        var (outcome, _, retryAfter) = await accounts.SignInAsync(HttpContext, Handle, Password, ct);
        switch (outcome)
        {
            case AccountService.SignInOutcome.SignedIn:
                return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
            case AccountService.SignInOutcome.Limited:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ModelState.AddModelError("", $"Too many attempts. Try again in {Math.Ceiling(retryAfter.TotalMinutes)} minute(s).");
                return Page();
            default:
                ModelState.AddModelError("", "Wrong handle or password.");
                return Page();
        }
    }
}
