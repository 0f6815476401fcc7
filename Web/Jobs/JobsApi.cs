using Crumbs.Domain.Jobs;
using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Jobs;

public static class JobsApi
{
    public static void MapJobsApi(this WebApplication app) =>
        app.MapGet("/api/jobs/{id:guid}", GetAsync).WithTags("Jobs").RequireSignIn().WithName("GetJob").WithSummary("Read a job's state")
            .WithDescription("The state of a job you started (a picture being processed, a data export). Others' jobs are 404.");

    private static async Task<Results<Ok<JobStatus>, NotFound>> GetAsync(Guid id, HttpContext http, JobStore jobs, CancellationToken ct)
    {
        // Polled while the job runs: never from a cache, or "running" would outlive the job.
        http.Response.Headers.CacheControl = "no-store";
        return await jobs.FindAsync(id, http.User.Id(), ct) is { } job ? TypedResults.Ok(JobStatus.Of(job)) : TypedResults.NotFound();
    }
}
