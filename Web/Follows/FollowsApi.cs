using Crumbs.Domain.Accounts;
using Crumbs.Domain.Follows;
using Crumbs.Domain.Posts;
using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Crumbs.Web.Quotas;
using Crumbs.Web.Timelines;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Follows;

public static class FollowsApi
{
    public sealed record UserSummary(string Handle, string DisplayName, string? AvatarUrl);

    public static void MapFollowsApi(this WebApplication app)
    {
        var users = app.MapGroup("/api/users/{handle}").WithTags("Follows");
        // 400: yourself, or (with a session) no CSRF token.
        var follow = users.MapGroup("/follow").RequireSignIn().RequireQuota(Quota.Follows).ProducesProblem(StatusCodes.Status400BadRequest);
        follow.MapPut("/", (string handle, HttpContext http, UserStore u, FollowStore f, CancellationToken ct) => SetAsync(handle, true, http, u, f, ct))
            .WithName("Follow").WithSummary("Follow an account");
        follow.MapDelete("/", (string handle, HttpContext http, UserStore u, FollowStore f, CancellationToken ct) => SetAsync(handle, false, http, u, f, ct))
            .WithName("Unfollow").WithSummary("Unfollow an account");

        // 400: a bad page request (before, limit).
        var lists = users.MapGroup("").ProducesProblem(StatusCodes.Status400BadRequest);
        lists.MapGet("/followers", (string handle, string? before, int? limit, UserStore u, FollowStore f, CancellationToken ct) => ListAsync(handle, true, before, limit, u, f, ct))
            .WithName("ListFollowers").WithSummary("List an account's followers");
        lists.MapGet("/following", (string handle, string? before, int? limit, UserStore u, FollowStore f, CancellationToken ct) => ListAsync(handle, false, before, limit, u, f, ct))
            .WithName("ListFollowing").WithSummary("List whom an account follows");
    }

    private static async Task<Results<Ok<Profile>, NotFound, ProblemHttpResult>> SetAsync(
        string handle, bool follow, HttpContext http, UserStore users, FollowStore follows, CancellationToken ct)
    {
        if (await users.FindByHandleAsync(handle, ct) is not { } followee)
        {
            return TypedResults.NotFound();
        }

        if (followee.Id == http.User.Id())
        {
            return TypedResults.Problem(title: "You can't follow yourself", statusCode: StatusCodes.Status400BadRequest);
        }

        await follows.SetFollowAsync(http.User.Id(), followee.Id, follow, ct);
        return TypedResults.Ok(Profile.Of((await users.FindAsync(followee.Id, ct))!));
    }

    /// <summary>Followers or followees: the ids by keyset from follows, then their rows in one batched read.</summary>
    private static async Task<Results<Ok<Page<UserSummary>>, NotFound, ProblemHttpResult>> ListAsync(
        string handle, bool followers, string? before, int? limit, UserStore users, FollowStore follows, CancellationToken ct)
    {
        var (max, count, problem) = Cursor.Parse(before, limit);
        if (problem is not null)
        {
            return TimelineApi.BadCursor(problem);
        }

        if (await users.FindByHandleAsync(handle, ct) is not { } user)
        {
            return TypedResults.NotFound();
        }

        var ids = await follows.ListAsync(user.Id, followers, max, count, ct);
        var rows = (await users.FindManyAsync(ids, ct)).ToDictionary(u => u.Id);
        var items = ids.Where(rows.ContainsKey).Select(id => new UserSummary(rows[id].Handle, rows[id].DisplayName, rows[id].AvatarUrl)).ToList();
        return TypedResults.Ok(new Page<UserSummary>(items, ids.Count == count ? Cursor.Of(ids[^1]) : null));
    }
}
