using Crumbs.Imaging;
using Crumbs.Web.Quotas;
using Crumbs.Domain.Accounts;
using Crumbs.Domain.Media;
using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Crumbs.Web.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Microsoft.Net.Http.Headers;

namespace Crumbs.Web.Media;

public static class MediaApi
{
    public static void MapMediaApi(this WebApplication app)
    {
        app.MapGet("/media/{id:guid}", GetAsync).WithTags("Media").WithName("GetPicture").WithSummary("Download a picture")
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png", "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPut("/api/me/avatar", UploadAvatarAsync).WithTags("Accounts").RequireSignIn().RequireQuota(Quota.Avatars)
            .WithName("UploadAvatar").WithSummary("Change your picture")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The body is read by hand (Upload.ReadAsync), so the description is written here.
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["image/jpeg"] = new(), ["image/png"] = new(), ["image/webp"] = new(),
                    },
                };
                return Task.CompletedTask;
            })
            .WithDescription("The request body is the picture: Content-Type image/jpeg, image/png or image/webp, at most 2 MB. " +
                             "202: a worker makes the 48 and 192 px pictures; poll statusUrl (GET /api/jobs/{id}).");
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

    /// <summary>
    /// Only the cheap checks happen here (type, bytes, a header that names a picture within the pixel budget);
    /// decoding, cropping and resizing are the worker's, after the 202.
    /// </summary>
    private static async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> UploadAvatarAsync(
        HttpContext http, Avatars avatars, IOptions<ImageLimits> limits, CancellationToken ct)
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

        var (image, problem) = ImageCheck.Sniff(bytes, limits.Value);
        if (image is null)
        {
            return TypedResults.Problem(title: "That picture can't be used", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        return JobAccepted.For(await avatars.SubmitAsync(http.User.Id(), image.ContentType, bytes, ct));
    }
}
