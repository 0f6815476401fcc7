using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Web.Accounts;
using Crumbs.Web.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Posts;

public static class PostsApi
{
    public sealed record NewPost(string? Text);

    public static void MapPostsApi(this WebApplication app)
    {
        var posts = app.MapGroup("/api/posts").WithTags("Posts");
        posts.MapPost("/", CreateAsync).RequireAuthorization().RequireQuota(Quota.Posts);
        posts.MapGet("/{id:long}", GetAsync);
        posts.MapDelete("/{id:long}", DeleteAsync).RequireAuthorization();
        posts.MapPut("/{id:long}/like", (long id, HttpContext http, PostStore store, CancellationToken ct) => LikeAsync(id, true, http, store, ct)).RequireAuthorization().RequireQuota(Quota.Likes);
        posts.MapDelete("/{id:long}/like", (long id, HttpContext http, PostStore store, CancellationToken ct) => LikeAsync(id, false, http, store, ct)).RequireAuthorization().RequireQuota(Quota.Likes);
    }

    private static async Task<Results<Created<PostDto>, ValidationProblem>> CreateAsync(
        NewPost request, HttpContext http, PostStore store, CancellationToken ct)
    {
        var (text, problem) = PostRules.Check(request.Text);
        if (text is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [problem!] });
        }

        var post = await store.CreateAsync(http.User.Id(), text, ct);
        return TypedResults.Created($"/api/posts/{post.Id}", PostDto.Of(post));
    }

    private static async Task<Results<Ok<PostDto>, NotFound>> GetAsync(long id, CachedPosts store, CancellationToken ct) =>
        await store.FindAsync(id, ct) is { } post ? TypedResults.Ok(PostDto.Of(post)) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, PostStore store, CancellationToken ct)
    {
        if (await store.DeleteAsync(id, http.User.Id(), ct))
        {
            return TypedResults.NoContent();
        }

        return await store.FindAsync(id, ct) is null
            ? TypedResults.NotFound()
            : TypedResults.Problem(title: "Not your post", detail: "Only its author can delete a post.", statusCode: StatusCodes.Status403Forbidden);
    }

    private static async Task<Results<Ok<PostDto>, NotFound>> LikeAsync(long id, bool like, HttpContext http, PostStore store, CancellationToken ct) =>
        await store.SetLikeAsync(id, http.User.Id(), like, ct) is { } post ? TypedResults.Ok(PostDto.Of(post)) : TypedResults.NotFound();
}
