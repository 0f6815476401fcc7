using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Crumbs.Web.Posts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Timelines;

public static class TimelineApi
{
    public static void MapTimelineApi(this WebApplication app)
    {
        // 400: a bad page request (before, after, limit).
        app.MapGet("/api/timeline", HomeAsync).WithTags("Timelines").RequireSignIn()
            .WithName("GetHomeTimeline").WithSummary("Read your home timeline")
            .WithDescription("Newest first. `before` pages back in time (give it the page's `next`). `after` catches up: " +
                "the posts right after that post id, newest first, and when the page is full its `next` is the `after` " +
                "of the following newer page. An open home page asks it when the live channel says there is something new.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapGet("/api/users/{handle}/posts", ByAuthorAsync).WithTags("Timelines")
            .WithName("GetAuthorTimeline").WithSummary("Read an author's posts").ProducesProblem(StatusCodes.Status400BadRequest);
    }

    /// <summary>The signed-in user's home timeline, newest first.</summary>
    private static async Task<Results<PageJson, ProblemHttpResult>> HomeAsync(
        string? before, string? after, int? limit, HttpContext http, Timeline timeline, CancellationToken ct)
    {
        var (max, count, problem) = Cursor.Parse(before, limit);
        var (min, afterProblem) = Cursor.ParseAfter(after);
        if ((problem ?? afterProblem ?? (min is not null && !string.IsNullOrEmpty(before) ? "Give before or after, not both." : null)) is { } bad)
        {
            return BadCursor(bad);
        }

        return new PageJson(min is { } newest
            ? await timeline.NewerJsonAsync(http.User.Id(), newest, count, ct)
            : await timeline.HomeJsonAsync(http.User.Id(), max, count, ct));
    }

    private static async Task<Results<Ok<Page<PostDto>>, NotFound, ProblemHttpResult>> ByAuthorAsync(
        string handle, string? before, int? limit, HttpContext http, CachedUsers users, CachedLikes likes, Timeline timeline, CancellationToken ct)
    {
        var (max, count, problem) = Cursor.Parse(before, limit);
        if (problem is not null)
        {
            return BadCursor(problem);
        }

        if (await users.FindByHandleAsync(handle, ct) is not { } author)
        {
            return TypedResults.NotFound();
        }

        var page = await timeline.ByAuthorAsync(author.Id, max, count, ct);
        return TypedResults.Ok(PostDto.PageOf(page, await likes.LikedByAsync(http.User, page.Items, ct)));
    }

    public static ProblemHttpResult BadCursor(string problem) =>
        TypedResults.Problem(title: "Bad page request", detail: problem, statusCode: StatusCodes.Status400BadRequest);
}
