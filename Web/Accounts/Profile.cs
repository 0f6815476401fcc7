using Crumbs.Domain.Accounts;

namespace Crumbs.Web.Accounts;

/// <summary>
/// A user as the API shows it: the picture at 192 px (avatarUrl) and 48 px (avatarSmallUrl). avatarProcessing is
/// only on GET /api/me: true while a new picture is being processed (the old one is shown meanwhile).
/// </summary>
public sealed record Profile(
    string Handle, string DisplayName, string Bio, string? AvatarUrl, string? AvatarSmallUrl,
    int FollowerCount, int FollowingCount, int PostCount, DateTime CreatedAt, bool? AvatarProcessing = null)
{
    public static Profile Of(User user, bool? avatarProcessing = null) => new(user.Handle, user.DisplayName, user.Bio,
        user.AvatarUrl, user.AvatarSmallUrl, user.FollowerCount, user.FollowingCount, user.PostCount, user.CreatedAt, avatarProcessing);
}
