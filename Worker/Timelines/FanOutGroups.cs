using System.Diagnostics;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Live;
using Crumbs.Domain.Posts;
using Crumbs.Domain.Timelines;
using Crumbs.Worker.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crumbs.Worker.Timelines;

/// <summary>
/// GROUP COMMIT FOR THE FAN-OUT. The posts whose deliveries are being handled at the same moment are written together:
/// one transaction, each post's statement sent in one batch, one commit, then one version bump and one look-up of the
/// online readers for all of them. Alone, each post paid for its own transaction, its two round trips, its commit's
/// WAL flush, its two Redis calls, and the worker's waits between them.
/// While one group is being written, the deliveries that arrive wait and form the next group, so a quiet queue still
/// writes each post at once, and a busy one writes bigger groups.
/// A group meets an entry that is there already only when a message comes again or a backfill wrote the row: then the
/// group is written once more with inserts that skip such entries. A group that fails otherwise is written again post by
/// post, so one bad message fails (and is retried, then parked) alone.
/// </summary>
public sealed class FanOutGroups(NpgsqlDataSource db, IOptions<TimelineOptions> options, CacheInvalidation cache, NewPosts live,
    TimelineTelemetry telemetry, IHostApplicationLifetime lifetime)
{
    private readonly Lock _lock = new();
    private List<Waiting> _waiting = [];
    private bool _writing;

    /// <summary>Fans the post out with whatever other posts are waiting; returns once it is written, bumped and announced.</summary>
    public Task WriteAsync(PostCreated message)
    {
        var waiting = new Waiting(message, Activity.Current?.Context ?? default);
        bool lead;
        lock (_lock)
        {
            _waiting.Add(waiting);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            // The groups are written on a flow of their own: not inside the trace of the message that happened to start them.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(WriteGroupsAsync);
            }
        }

        return waiting.Done.Task;
    }

    private async Task WriteGroupsAsync()
    {
        while (true)
        {
            List<Waiting> group;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }

                (group, _waiting) = (_waiting, []);
            }

            try
            {
                await WriteGroupOnceMoreIfWrittenAsync(group);
                group.ForEach(w => w.Done.TrySetResult());
            }
            catch (Exception) when (group.Count > 1)
            {
                foreach (var one in group)   // one post's fault (or a deadlock between groups) must not fail the others
                {
                    await WriteAloneAsync(one);
                }
            }
            catch (Exception e)
            {
                group[0].Done.TrySetException(e);
            }
        }
    }

    private async Task WriteAloneAsync(Waiting one)
    {
        try
        {
            await WriteGroupAsync([one], tolerant: true);
            one.Done.TrySetResult();
        }
        catch (Exception e)
        {
            one.Done.TrySetException(e);
        }
    }

    /// <summary>
    /// Plain inserts first; if an entry was there already, the whole group again with inserts that skip such entries
    /// (<see cref="FanOutStatement"/>). The first try's transaction is rolled back, so nothing is written twice.
    /// </summary>
    private async Task WriteGroupOnceMoreIfWrittenAsync(IReadOnlyList<Waiting> group)
    {
        try
        {
            await WriteGroupAsync(group, tolerant: false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            telemetry.FanOutRewritten.Add(1);
            await WriteGroupAsync(group, tolerant: true);
        }
    }

    private async Task WriteGroupAsync(IReadOnlyList<Waiting> group, bool tolerant)
    {
        using var activity = MessagingTelemetry.Source.StartActivity("fan-out group", ActivityKind.Internal, parentContext: default,
            links: group.Where(w => w.Trace != default).Select(w => new ActivityLink(w.Trace)));
        activity?.SetTag("crumbs.fanout.posts", group.Count);
        activity?.SetTag("crumbs.fanout.tolerant", tolerant);
        var stopping = lifetime.ApplicationStopping;
        var readers = new List<long[]>(group.Count);
        await using (var connection = await db.OpenConnectionAsync(stopping))
        await using (var transaction = await connection.BeginTransactionAsync(stopping))
        {
            await using var batch = new NpgsqlBatch(connection, transaction) { Timeout = 120 };
            batch.BatchCommands.Add(new NpgsqlBatchCommand(FanOutStatement.GenericPlan));
            foreach (var waiting in group)
            {
                batch.BatchCommands.Add(FanOutStatement.For(waiting.Message, options.Value, tolerant));
            }

            await using (var reader = await batch.ExecuteReaderAsync(stopping))
            {
                do
                {
                    var these = new List<long>();
                    while (await reader.ReadAsync(stopping))
                    {
                        these.Add(reader.GetInt64(0));
                    }

                    readers.Add([.. these]);
                }
                while (await reader.NextResultAsync(stopping));
            }

            if (readers.Count != group.Count)
            {
                throw new InvalidOperationException($"The fan-out of {group.Count} posts returned {readers.Count} lists of readers.");
            }

            await transaction.CommitAsync(stopping);
        }

        await cache.TimelinesChangedAsync(readers.SelectMany(r => r).Distinct());
        // After the bump: a page that asks reads the post.
        await live.PublishAsync([.. group.Select((w, i) => new NewPost(w.Message.PostId, w.Message.AuthorId, readers[i]))]);
    }

    private sealed record Waiting(PostCreated Message, ActivityContext Trace)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
