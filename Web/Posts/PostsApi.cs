using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;
using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Crumbs.Web.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Posts;

public static class PostsApi
{
    public sealed record NewPost(string? Text);

    public static void MapPostsApi(this WebApplication app)
    {
        var posts = app.MapGroup("/api/posts").WithTags("Posts");
        posts.MapGet("/{id:long}", GetAsync).WithName("GetPost").WithSummary("Read a post");

        var writes = posts.MapGroup("").RequireSignIn();
        writes.MapPost("/", CreateAsync).RequireQuota(Quota.Posts).WithName("CreatePost").WithSummary("Write a post")
            .AcceptsJson(validates: true);
        // Unsafe requests with a session: 400 without the CSRF token.
        writes.MapDelete("/{id:long}", DeleteAsync).WithName("DeletePost").WithSummary("Delete your post")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        var like = writes.MapGroup("/{id:long}/like").RequireQuota(Quota.Likes).ProducesProblem(StatusCodes.Status400BadRequest);
        like.MapPut("/", (long id, HttpContext http, PostStore store, Live.LivePosts live, CancellationToken ct) => LikeAsync(id, true, http, store, live, ct))
            .WithName("LikePost").WithSummary("Like a post");
        like.MapDelete("/", (long id, HttpContext http, PostStore store, Live.LivePosts live, CancellationToken ct) => LikeAsync(id, false, http, store, live, ct))
            .WithName("UnlikePost").WithSummary("Take back a like");
    }

    private static async Task<Results<Created<PostDto>, ValidationProblem>> CreateAsync(
        NewPost request, HttpContext http, PostStore store, Live.LivePosts live, CancellationToken ct)
    {
        var (text, problem) = PostRules.Check(request.Text);
        if (text is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [problem!] });
        }

        var created = await store.CreateAsync(http.User.Id(), text, ct);
        await live.CreatedAsync(created);
        var post = created.Post;
        return TypedResults.Created($"/api/posts/{post.Id}", PostDto.Of(post, likedByMe: false));
    }

    private static async Task<Results<Ok<PostDto>, NotFound>> GetAsync(long id, HttpContext http, CachedPosts store, CachedLikes likes, CancellationToken ct) =>
        await store.FindAsync(id, ct) is { } post
            ? TypedResults.Ok(PostDto.Of(post, (await likes.LikedByAsync(http.User, [post], ct)).Contains(post.Id)))
            : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, PostStore store, Live.LivePosts live, CancellationToken ct)
    {
        if (await store.DeleteAsync(id, http.User.Id(), ct))
        {
            await live.DeletedAsync(id);
            return TypedResults.NoContent();
        }

        return await store.FindAsync(id, ct) is null
            ? TypedResults.NotFound()
            : TypedResults.Problem(title: "Not your post", detail: "Only its author can delete a post.", statusCode: StatusCodes.Status403Forbidden);
    }

    private static async Task<Results<Ok<PostDto>, NotFound>> LikeAsync(
        long id, bool like, HttpContext http, PostStore store, Live.LivePosts live, CancellationToken ct)
    {
        if (await store.SetLikeAsync(id, http.User.Id(), like, ct) is not { } post)
        {
            return TypedResults.NotFound();
        }

        await live.LikesChangedAsync(post);
        return TypedResults.Ok(PostDto.Of(post, like));
    }
}
