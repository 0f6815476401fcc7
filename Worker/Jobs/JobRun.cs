using System.Diagnostics;
using System.Diagnostics.Metrics;
using Crumbs.Domain.Jobs;
using Crumbs.Domain.Messaging;
using Crumbs.Worker.Messaging;
using Microsoft.Extensions.Options;

namespace Crumbs.Worker.Jobs;

/// <summary>
/// Runs a job's work for a handler: times it, and when the last retry fails too, ends the job as failed so its owner
/// is not left watching "running" while the message sits in the dead-letter queue.
/// </summary>
public sealed class JobRun(JobStore jobs, IOptions<RetryPolicy> retries, IMeterFactory meters)
{
    private readonly Histogram<double> _duration = meters.Create(Microsoft.Extensions.Hosting.Telemetry.Name).CreateHistogram<double>(
        "crumbs.jobs.duration", "s", "Time a worker spent on a job, by kind and the state it ended in");

    /// <param name="work">Does the job; returns the state it ended in (done or failed).</param>
    public async Task RunAsync(Guid jobId, string kind, int retry, Func<Task<string>> work, CancellationToken ct)
    {
        // An ended job (a redelivered or duplicate message) is left as it is.
        if (!await jobs.ProgressAsync(jobId, 5, ct))
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var state = await work();
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new("crumbs.job.kind", kind), new("crumbs.job.state", state));
        }
        catch (Exception e) when (retry >= retries.Value.MaxRetries && e is not OperationCanceledException)
        {
            await jobs.FailAsync(jobId, "Something went wrong on our side. Please try again later.", CancellationToken.None);
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new("crumbs.job.kind", kind), new("crumbs.job.state", JobStates.Failed));
            throw;
        }
    }
}
