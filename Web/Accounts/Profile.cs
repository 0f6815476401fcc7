using Crumbs.Domain.Accounts;

namespace Crumbs.Web.Accounts;

/// <summary>A user as the API shows it.</summary>
public sealed record Profile(
    string Handle, string DisplayName, string Bio, string? AvatarUrl,
    int FollowerCount, int FollowingCount, int PostCount, DateTime CreatedAt)
{
    public static Profile Of(User user) => new(user.Handle, user.DisplayName, user.Bio, user.AvatarUrl,
        user.FollowerCount, user.FollowingCount, user.PostCount, user.CreatedAt);
}
