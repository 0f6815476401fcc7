namespace Crumbs.Domain.Messaging;

/// <summary>
/// The durable queues that carry work from the web clones to the worker replicas, and beside each work queue
/// its dead-letter queue "&lt;queue&gt;.dead". Only the worker talks to the broker and declares them
/// (Worker/Messaging/QueueDeclarations.cs); the web names a queue when it writes the outbox.
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
}
