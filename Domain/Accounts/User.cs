namespace Crumbs.Domain.Accounts;

/// <summary>A user as its one row holds it: profile and counters together, read without a JOIN.</summary>
public sealed record User(
    long Id,
    string Handle,
    string DisplayName,
    string Bio,
    string? AvatarUrl,
    string? AvatarSmallUrl,
    int FollowerCount,
    int FollowingCount,
    int PostCount,
    DateTime CreatedAt);
