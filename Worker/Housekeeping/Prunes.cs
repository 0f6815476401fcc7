namespace Crumbs.Worker.Housekeeping;

/// <summary>
/// What housekeeping deletes, each a statement that deletes at most @batch rows (run until it deletes fewer).
/// Every one is safe to run on several workers at once: it deletes only what nobody needs any more.
/// </summary>
public static class Prunes
{
    public sealed record Prune(string Name, string Sql);

    public static IReadOnlyList<Prune> All { get; } =
    [
        new("outbox", """
            delete from outbox where id in (
              select id from outbox where sent_at < now() - @messagesKeptFor limit @batch)
            """),
        new("processed_messages", """
            delete from processed_message where ctid in (
              select ctid from processed_message where processed_at < now() - @messagesKeptFor limit @batch)
            """),
        new("probes", """
            delete from probe where ctid in (
              select ctid from probe where handled_at < now() - @probesKeptFor limit @batch)
            """),
        // An export's file goes when the export expires; the job row (its status page) 30 days later.
        new("exports", """
            delete from exports where job_id in (
              select e.job_id from exports e join jobs j on j.id = e.job_id where j.expires_at < now() limit @batch)
            """),
        new("jobs", """
            delete from jobs where id in (
              select id from jobs where expires_at < now() - interval '30 days' limit @batch)
            """),
        // A picture is in use while its owner's profile or any of the owner's posts (their copies) names it.
        new("media", """
            delete from media where id in (
              select m.id from media m
              where m.created_at < now() - @orphanedMediaKeptFor
                and not exists (select 1 from users u where u.id = m.owner_id
                                and '/media/' || replace(m.id::text, '-', '') in (u.avatar_url, u.avatar_small_url))
                and not exists (select 1 from posts p where p.author_id = m.owner_id
                                and p.author_avatar_url = '/media/' || replace(m.id::text, '-', ''))
              limit @batch)
            """),
    ];
}
