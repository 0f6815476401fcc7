using Crumbs.Imaging;
using Crumbs.Web.Quotas;
using Crumbs.Domain.Accounts;
using Crumbs.Domain.Jobs;
using Crumbs.Domain.Media;
using Crumbs.Web.Accounts;
using Crumbs.Web.Media;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Crumbs.Web.Pages;

[Authorize]
public sealed class SettingsModel(UserStore users, Avatars avatars, JobStore jobs, AccountService accounts, IOptions<ImageLimits> limits)
    : PageModel
{
    public string? DisplayName { get; private set; }
    public string? Bio { get; private set; }
    public string? AvatarUrl { get; private set; }
    /// <summary>The newest picture job, to show "processing" or why the last picture could not be used.</summary>
    public Job? AvatarJob { get; private set; }
    [TempData] public string? Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await ShowAsync(ct);

    public async Task<IActionResult> OnPostProfileAsync(string? displayName, string? bio, CancellationToken ct)
    {
        var errors = AccountRules.CheckProfile(displayName, bio);
        if (errors.Count > 0)
        {
            return await ShowAsync(ct, errors);
        }

        await users.UpdateProfileAsync(User.Id(), displayName!.Trim(), (bio ?? "").Trim(), ct);
        return Done("Profile saved.");
    }

    [Quota(Quota.Avatars)]
    public async Task<IActionResult> OnPostAvatarAsync(IFormFile? avatar, CancellationToken ct)
    {
        var bytes = avatar is null ? [] : await Upload.ReadAsync(avatar.OpenReadStream(), avatar.Length, ImageCheck.MaxBytes, ct);
        var (image, problem) = bytes is null ? (null, ImageCheck.TooLarge) : ImageCheck.Sniff(bytes, limits.Value);
        if (image is null)
        {
            return await ShowAsync(ct, new() { ["avatar"] = [problem!] });
        }

        await avatars.SubmitAsync(User.Id(), image.ContentType, bytes!, ct);
        return Done("Picture uploaded. It is being processed; your old picture shows until it is ready.");
    }

    public async Task<IActionResult> OnPostPasswordAsync(string? currentPassword, string? newPassword, CancellationToken ct) =>
        await accounts.ChangePasswordAsync(HttpContext, User.Id(), currentPassword, newPassword, ct) is { } problem
            ? await ShowAsync(ct, new() { ["password"] = [problem] })
            : Done("Password changed. Every other session has been signed out.");

    public async Task<IActionResult> OnPostEverywhereAsync()
    {
        await accounts.SignOutEverywhereAsync(HttpContext, User.Id());
        return Redirect("/signin");
    }

    private RedirectToPageResult Done(string message)
    {
        Saved = message;
        return RedirectToPage();
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct, Dictionary<string, string[]>? errors = null)
    {
        if (await users.FindAsync(User.Id(), ct) is not { } user)
        {
            return Redirect("/signin");
        }

        (DisplayName, Bio, AvatarUrl) = (user.DisplayName, user.Bio, user.AvatarUrl);
        AvatarJob = await jobs.ListAsync(user.Id, JobKinds.Avatar, 1, ct) is [var newest, ..] ? newest : null;
        foreach (var (field, messages) in errors ?? [])
        {
            ModelState.AddModelError(field, string.Join(" ", messages));
        }

        if (errors is { Count: > 0 })
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }
}
