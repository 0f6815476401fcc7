using Crumbs.Domain.Accounts;
using Crumbs.Domain.Media;
using Crumbs.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Crumbs.Web.Media;

public static class MediaApi
{
    public static void MapMediaApi(this WebApplication app)
    {
        app.MapGet("/media/{id:guid}", GetAsync).WithTags("Media");
        app.MapPut("/api/me/avatar", UploadAvatarAsync).WithTags("Accounts").RequireAuthorization()
            .WithDescription("The request body is the picture: Content-Type image/jpeg, image/png or image/webp, at most 2 MB.");
    }

    /// <summary>A picture never changes under its URL (a new upload gets a new id): cache it for a year, everywhere.</summary>
    private static async Task<IResult> GetAsync(Guid id, HttpContext http, MediaStore media, CancellationToken ct)
    {
        if (await media.FindAsync(id, ct) is not { } stored)
        {
            return TypedResults.NotFound();
        }

        var etag = new EntityTagHeaderValue($"\"{stored.Sha256}\"");
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(stored.Bytes, stored.ContentType, entityTag: etag);
    }

    /// <summary>The picture is the request body (Content-Type image/jpeg, image/png or image/webp), at most 2 MB.</summary>
    private static async Task<Results<Ok<Profile>, ProblemHttpResult>> UploadAvatarAsync(
        HttpContext http, Avatars avatars, UserStore users, CancellationToken ct)
    {
        if (http.Request.ContentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) != true)
        {
            return TypedResults.Problem(title: "Send the picture itself", detail: "The body must be the picture, with Content-Type image/jpeg, image/png or image/webp.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var bytes = await Upload.ReadAsync(http.Request.Body, http.Request.ContentLength, ImageCheck.MaxBytes, ct);
        if (bytes is null)
        {
            return TypedResults.Problem(title: "That picture can't be used", detail: ImageCheck.TooLarge,
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var (image, problem) = ImageCheck.Inspect(bytes);
        if (image is null)
        {
            return TypedResults.Problem(title: "That picture can't be used", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        await avatars.ReplaceAsync(http.User.Id(), image, bytes, ct);
        return TypedResults.Ok(Profile.Of((await users.FindAsync(http.User.Id(), ct))!));
    }
}
