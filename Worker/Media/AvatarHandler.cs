using Crumbs.Domain.Accounts;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Jobs;
using Crumbs.Domain.Media;
using Crumbs.Domain.Messaging;
using Crumbs.Imaging;
using Crumbs.Worker.Jobs;
using Crumbs.Worker.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Worker.Media;

/// <summary>
/// Turns an uploaded picture into the profile's two pictures. The decode, crop and resize happen here, off the
/// request path; a picture that does not decode ends its job as failed with the reason, and the old picture stays.
/// The web has checked the pixel budget already; the check is made again here, before decoding, in case it was not.
/// </summary>
public sealed class AvatarHandler(NpgsqlDataSource db, JobStore jobs, Avatars avatars, CacheInvalidation cache, OutboxBell bell,
    JobRun run, IOptions<ImageLimits> limits)
    : IMessageHandler<AvatarUploaded>
{
    public static string Queue => Queues.AvatarUploaded;

    public Task HandleAsync(AvatarUploaded message, Delivery delivery, CancellationToken cancellationToken) =>
        run.RunAsync(message.JobId, JobKinds.Avatar, delivery.Retry, async () =>
        {
            if (await avatars.FindUploadAsync(message.JobId, cancellationToken) is not { } upload)
            {
                await jobs.FailAsync(message.JobId, "The uploaded picture is gone. Please upload it again.", cancellationToken);
                return JobStates.Failed;
            }

            var (thumbnails, problem) = Thumbnails.Make(upload, limits.Value, Thumbnails.Small, Thumbnails.Large);
            if (thumbnails is null)
            {
                await avatars.RejectAsync(message.JobId, problem!, cancellationToken);
                return JobStates.Failed;
            }

            await jobs.ProgressAsync(message.JobId, 60, cancellationToken);
            await Idempotency.ApplyOnceAsync(db, nameof(AvatarHandler), delivery.MessageId, (connection, transaction) =>
                Avatars.SwitchAsync(connection, transaction, message.JobId, message.UserId, thumbnails[0], thumbnails[1], cancellationToken),
                cancellationToken);
            bell.Ring();   // the message for the copies on old posts
            await cache.UsersChangedAsync([message.UserId], cancellationToken);   // every clone shows the new picture
            return JobStates.Done;
        }, cancellationToken);
}
