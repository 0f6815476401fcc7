using Crumbs.Domain.Exports;
using Crumbs.Domain.Jobs;
using Crumbs.Domain.Messaging;
using Crumbs.Worker.Jobs;
using Crumbs.Worker.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Worker.Exports;

/// <summary>Writes a person's data export and stores it for download; its job shows how far it has come.</summary>
public sealed class ExportHandler(NpgsqlDataSource db, JobStore jobs, ExportStore exports, JobRun run)
    : IMessageHandler<ExportRequested>
{
    public static string Queue => Queues.ExportRequested;

    public Task HandleAsync(ExportRequested message, Delivery delivery, CancellationToken cancellationToken) =>
        run.RunAsync(message.JobId, JobKinds.Export, delivery.Retry, async () =>
        {
            var document = await ExportDocument.ReadAsync(db, message.UserId,
                progress => jobs.ProgressAsync(message.JobId, progress, cancellationToken), cancellationToken);
            // The file and the job's "done" commit together; a repeated message finds the job ended and stops early.
            await exports.StoreAsync(message.JobId, message.UserId, document.ToFile(), cancellationToken);
            return JobStates.Done;
        }, cancellationToken);
}
