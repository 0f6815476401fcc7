using System.Net;
using System.Net.Http.Json;

namespace Crumbs.Tests.Infrastructure;

/// <summary>A job as GET /api/jobs/{id} returns it.</summary>
public sealed record JobDto(Guid Id, string Kind, string State, int Progress, string? Reason, string? ResultUrl,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public bool Ended => State is "done" or "failed";
}

/// <summary>The 202 answer of a request that started a job.</summary>
public sealed record JobAcceptedDto(Guid JobId, string StatusUrl);

public static class JobWaits
{
    public static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    /// <summary>Asserts the 202 contract: the job's id and status URL in the body, the same URL in Location.</summary>
    public static async Task<JobAcceptedDto> AssertAcceptedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<JobAcceptedDto>(TestContext.Current.CancellationToken))!;
        Assert.Equal($"/api/jobs/{accepted.JobId}", accepted.StatusUrl);
        Assert.Equal(accepted.StatusUrl, response.Headers.Location?.ToString());
        return accepted;
    }

    /// <summary>Polls the job, as its owner, until it is done or failed.</summary>
    public static Task<JobDto> WaitUntilEndedAsync(UserSession owner, string statusUrl) =>
        Eventually.GetAsync(async () => await owner.GetAsync<JobDto>(statusUrl) is { Ended: true } job ? job : null,
            Within, $"the job {statusUrl} to end");
}
