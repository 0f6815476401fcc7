using RabbitMQ.Client;

namespace Crumbs.Domain.Messaging;

/// <summary>
/// The durable queues that carry work from the web clones to the worker replicas, and beside each work queue
/// its delay queues (one per retry) and its dead-letter queue "&lt;queue&gt;.dead".
/// </summary>
public static class Queues
{
    public const string Probes = "crumbs.probes";
    public const string PostCreated = "crumbs.posts.created";
    public const string PostDeleted = "crumbs.posts.deleted";
    public const string Followed = "crumbs.follows.created";
    public const string Unfollowed = "crumbs.follows.deleted";
    public const string ProfileChanged = "crumbs.profiles.changed";
    public const string AvatarUploaded = "crumbs.avatars.uploaded";
    public const string ExportRequested = "crumbs.exports.requested";

    public static readonly string[] All =
        [Probes, PostCreated, PostDeleted, Followed, Unfollowed, ProfileChanged, AvatarUploaded, ExportRequested];

    public static string Dead(string queue) => $"{queue}.dead";

    /// <summary>Declares every queue (idempotent). All are quorum queues: replicated, durable, confirmed.</summary>
    public static async Task DeclareAsync(IChannel channel, RetryPolicy retries, CancellationToken cancellationToken)
    {
        foreach (var queue in All)
        {
            await DeclareAsync(channel, queue, [], cancellationToken);
            await DeclareAsync(channel, Dead(queue), [], cancellationToken);
            for (var retry = 1; retry <= retries.MaxRetries; retry++)
            {
                // A message waits out the queue's TTL, then is dead-lettered back to its work queue. At-least-once
                // dead-lettering (RabbitMQ 3.10+) keeps it until the work queue has confirmed it.
                await DeclareAsync(channel, retries.DelayQueue(queue, retry), new()
                {
                    ["x-message-ttl"] = (long)retries.DelayBefore(retry).TotalMilliseconds,
                    ["x-dead-letter-exchange"] = "",
                    ["x-dead-letter-routing-key"] = queue,
                    ["x-dead-letter-strategy"] = "at-least-once",
                    ["x-overflow"] = "reject-publish",
                }, cancellationToken);
            }
        }
    }

    private static Task<QueueDeclareOk> DeclareAsync(IChannel channel, string name, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        arguments["x-queue-type"] = "quorum";
        return channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false,
            arguments: arguments, cancellationToken: cancellationToken);
    }
}
