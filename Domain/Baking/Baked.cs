using System.Text.Json;

namespace Crumbs.Domain.Baking;

/// <summary>A post among the most liked of the last 24 hours, with the likes it got in that window.</summary>
public sealed record TrendingPost(long Id, long AuthorId, string AuthorHandle, string AuthorDisplayName, string? AuthorAvatarUrl,
    string Text, int LikeCount, DateTimeOffset CreatedAt, int RecentLikes);

/// <summary>The trending posts as last baked.</summary>
public sealed record Trending(DateTimeOffset? BakedAt, IReadOnlyList<long> PostIds, IReadOnlyList<TrendingPost> Posts);

/// <summary>An account to follow, and how many of the accounts you follow follow it.</summary>
public sealed record Suggestion(long UserId, string Handle, string DisplayName, string? AvatarUrl, int FollowedBy);

/// <summary>Who to follow, for one user, as last baked.</summary>
public sealed record Suggestions(DateTimeOffset? BakedAt, IReadOnlyList<Suggestion> Accounts);

/// <summary>Where baked results live: a Postgres row each (the record) and a Redis key each (what requests read first).</summary>
public static class Baked
{
    public const string TrendingName = "trending";
    public const string TrendingKey = "baked:trending";
    public const int TrendingCount = 20;
    public const int SuggestionCount = 10;

    /// <summary>A bake's queries may take far longer than a request's (Npgsql's default is 30 s); the lease is renewed meanwhile.</summary>
    public const int QueryTimeoutSeconds = 600;

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static string SuggestionsKey(long userId) => $"baked:suggestions:{userId}";
}
