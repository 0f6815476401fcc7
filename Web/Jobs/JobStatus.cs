using Crumbs.Domain.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Jobs;

/// <summary>A job as its owner sees it. resultUrl is where the result is once it is done (the picture, the download).</summary>
public sealed record JobStatus(Guid Id, string Kind, string State, int Progress, string? Reason, string? ResultUrl,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static JobStatus Of(Job job) => new(job.Id, job.Kind, job.State, job.Progress, job.Reason,
        job.State == JobStates.Done ? job.ResultRef : null, job.CreatedAt, job.UpdatedAt);
}

/// <summary>The answer to a request that started a job: come back to statusUrl later.</summary>
public sealed record JobAccepted(Guid JobId, string StatusUrl)
{
    public static string StatusUrlOf(Guid jobId) => $"/api/jobs/{jobId}";

    public static Accepted<JobAccepted> For(Guid jobId) =>
        TypedResults.Accepted(StatusUrlOf(jobId), new JobAccepted(jobId, StatusUrlOf(jobId)));
}
