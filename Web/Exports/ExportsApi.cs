using Crumbs.Domain.Exports;
using Crumbs.Domain.Jobs;
using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Crumbs.Web.Jobs;
using Crumbs.Web.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Exports;

public static class ExportsApi
{
    public static void MapExportsApi(this WebApplication app)
    {
        var exports = app.MapGroup("/api").WithTags("Exports").RequireSignIn();
        exports.MapPost("/me/exports", StartAsync).RequireQuota(Quota.Exports).WithName("StartExport").WithSummary("Start an export")
            .ProducesProblem(StatusCodes.Status400BadRequest)   // a session without its CSRF token
            .WithDescription("Starts a copy of your profile, posts, follows and likes; poll statusUrl, then download it.");
        exports.MapGet("/me/exports", ListAsync).WithName("ListExports").WithSummary("List your recent exports");
        exports.MapGet("/exports/{id:guid}/download", DownloadAsync).WithName("DownloadExport").WithSummary("Download an export")
            .Produces<Stream>(StatusCodes.Status200OK, "application/json", "application/zip")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone);
    }

    private static async Task<Accepted<JobAccepted>> StartAsync(HttpContext http, ExportStore exports, CancellationToken ct) =>
        JobAccepted.For(await exports.RequestAsync(http.User.Id(), ct));

    private static async Task<Ok<List<JobStatus>>> ListAsync(HttpContext http, JobStore jobs, CancellationToken ct) =>
        TypedResults.Ok((await jobs.ListAsync(http.User.Id(), JobKinds.Export, 20, ct)).Select(JobStatus.Of).ToList());

    /// <summary>The owner's file until the export expires (then 410); anyone else's export does not exist (404).</summary>
    private static async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> DownloadAsync(
        Guid id, HttpContext http, JobStore jobs, ExportStore exports, TimeProvider clock, CancellationToken ct)
    {
        if (await jobs.FindAsync(id, http.User.Id(), ct) is not { Kind: JobKinds.Export } job)
        {
            return TypedResults.NotFound();
        }

        if (job.ExpiresAt <= clock.GetUtcNow().UtcDateTime)
        {
            return TypedResults.Problem(title: "This export has expired", detail: "Exports are kept for 7 days. Start a new one.",
                statusCode: StatusCodes.Status410Gone);
        }

        if (job.State != JobStates.Done || await exports.FindFileAsync(id, job.OwnerId, ct) is not { } file)
        {
            return TypedResults.Problem(title: "This export is not ready", detail: $"It is {job.State}. Check {JobAccepted.StatusUrlOf(id)}.",
                statusCode: StatusCodes.Status409Conflict);
        }

        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(file.Bytes, file.ContentType, file.FileName);
    }
}
