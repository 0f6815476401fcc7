using Crumbs.Domain.Messaging;
using Crumbs.Domain.Posts;
using Crumbs.Worker.Messaging;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// WRITES HOME TIMELINES AHEAD OF TIME: a new post goes into every active follower's timeline (<see cref="FanOutStatement"/>),
/// written together with the other posts being handled at the same moment (<see cref="FanOutGroups"/>). Then the
/// versions of those timelines move on, and the open home pages of those followers are told (Domain/Live/NewPosts).
/// </summary>
public sealed class FanOutHandler(FanOutGroups groups, TimeProvider clock, TimelineTelemetry telemetry) : IMessageHandler<PostCreated>
{
    public static string Queue => Queues.PostCreated;

    /// <summary>Enough deliveries in hand at once to form groups while one is being written.</summary>
    public static ushort Concurrency => 16;

    public async Task HandleAsync(PostCreated message, Delivery delivery, CancellationToken cancellationToken)
    {
        await groups.WriteAsync(message).WaitAsync(cancellationToken);
        telemetry.FanOutDelay.Record((clock.GetUtcNow().UtcDateTime - message.CreatedAt).TotalMilliseconds);
    }
}
