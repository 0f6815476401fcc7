using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Crumbs.Tests.Infrastructure;

public sealed record AuthorDto(string Handle, string DisplayName, string? AvatarUrl);

public sealed record PostDto(long Id, string Text, DateTime CreatedAt, int LikeCount, AuthorDto Author, bool LikedByMe = false);

public sealed record PageDto<T>(List<T> Items, string? Next);

/// <summary>The posts, follows and timelines API as a person's session uses it.</summary>
public static class PostApi
{
    public static async Task<PostDto> PostAsync(this UserSession session, string text)
    {
        using var response = await session.SendAsync(HttpMethod.Post, "/api/posts", new { text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PostDto>(TestContext.Current.CancellationToken))!;
    }

    public static async Task FollowAsync(this UserSession session, string handle, bool follow = true)
    {
        using var response = await session.SendAsync(follow ? HttpMethod.Put : HttpMethod.Delete, $"/api/users/{handle}/follow");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static Task<PageDto<PostDto>> TimelineAsync(this UserSession session, string? before = null, int limit = 20) =>
        session.GetAsync<PageDto<PostDto>>($"/api/timeline?limit={limit}" + (before is null ? "" : $"&before={before}"));

    /// <summary>Waits until the session's home timeline shows (or no longer shows) a post.</summary>
    public static Task<PageDto<PostDto>> TimelineEventuallyAsync(this UserSession session, Func<PageDto<PostDto>, bool> condition, string what) =>
        Eventually.GetAsync(async () => await session.TimelineAsync(limit: 100) is var page && condition(page) ? page : null,
            TimeSpan.FromSeconds(30), what);

    /// <summary>Runs a request with SQL capture on (through the proxy, or at one replica); returns the response and every statement the app ran for it.</summary>
    public static async Task<(HttpResponseMessage Response, List<string> Statements)> WithSqlAsync(this UserSession session, string path, Uri? replica = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, replica is null ? new Uri(path, UriKind.Relative) : new Uri(replica, path));
        request.Headers.Add("X-Capture-Sql", "1");
        var response = await session.SendAsync(request);
        var header = Assert.Single(response.Headers.GetValues("X-Sql-Statements"));
        return (response, JsonSerializer.Deserialize<List<string>>(Encoding.UTF8.GetString(Convert.FromBase64String(header)))!);
    }
}
