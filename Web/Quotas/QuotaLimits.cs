using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Crumbs.Web.Quotas;

/// <summary>What one quota allows: so many actions in a fixed window.</summary>
public sealed class QuotaLimit
{
    [Range(1, 10_000_000)]
    public int Limit { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Window { get; set; }

    public static QuotaLimit Of(int limit, TimeSpan window) => new() { Limit = limit, Window = window };
}

/// <summary>
/// Crumbs:Quotas: how much one user (or, for sign-ups, one address) may do, with defaults a real microblog would
/// use. Each can be set, e.g. Crumbs__Quotas__Posts__Limit=1000; the benchmark raises them.
/// </summary>
public sealed class QuotaLimits
{
    public const string Section = "Crumbs:Quotas";

    [ValidateObjectMembers] public QuotaLimit Posts { get; set; } = QuotaLimit.Of(30, TimeSpan.FromMinutes(1));
    [ValidateObjectMembers] public QuotaLimit Likes { get; set; } = QuotaLimit.Of(120, TimeSpan.FromMinutes(1));
    [ValidateObjectMembers] public QuotaLimit Follows { get; set; } = QuotaLimit.Of(60, TimeSpan.FromMinutes(1));
    [ValidateObjectMembers] public QuotaLimit Exports { get; set; } = QuotaLimit.Of(5, TimeSpan.FromDays(1));
    [ValidateObjectMembers] public QuotaLimit Avatars { get; set; } = QuotaLimit.Of(10, TimeSpan.FromHours(1));
    [ValidateObjectMembers] public QuotaLimit SignUps { get; set; } = QuotaLimit.Of(5, TimeSpan.FromHours(1));

    public QuotaLimit Of(Quota quota) => quota switch
    {
        Quota.Posts => Posts,
        Quota.Likes => Likes,
        Quota.Follows => Follows,
        Quota.Exports => Exports,
        Quota.Avatars => Avatars,
        Quota.SignUps => SignUps,
        _ => throw new ArgumentOutOfRangeException(nameof(quota)),
    };
}

/// <summary>The actions that count against a quota. Sign-ups count per client address; the rest per user.</summary>
public enum Quota { Posts, Likes, Follows, Exports, Avatars, SignUps }
