using Microsoft.Extensions.Configuration;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>What an operator does to the workers from the dashboard, and the settings the AppHost hands them.</summary>
public static class WorkerOperations
{
    /// <summary>"Replay dead letters": moves every parked message back to its work queue (POST /admin/dead-letters/replay).</summary>
    public static IResourceBuilder<ProjectResource> WithDeadLetterReplay(this IResourceBuilder<ProjectResource> worker,
        IResourceBuilder<ParameterResource> key) =>
        worker.WithOperatorCommand(key, "/admin/dead-letters/replay", "replay-dead-letters", "Replay dead letters",
            "Moves the messages parked in every <queue>.dead back to their queue, with a fresh retry count.",
            "Replay every dead-lettered message? Do it once the cause of the failures is fixed.", "ArrowReplay");

    /// <summary>"Prune now": runs the workers' housekeeping at once (POST /admin/housekeeping), on the replica that answers.</summary>
    public static IResourceBuilder<ProjectResource> WithPruneNow(this IResourceBuilder<ProjectResource> worker,
        IResourceBuilder<ParameterResource> key) =>
        worker.WithOperatorCommand(key, "/admin/housekeeping", "prune-now", "Prune now",
            "Deletes sent outbox rows, old processed-message records and probes, expired exports and jobs, and unused pictures.",
            null, "Broom");

    /// <summary>
    /// "Bake now": bakes trending posts and follow suggestions at once (POST /admin/bakes on a worker); the replica
    /// that answers asks the one holding the baking lease, and waits for its bake.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBakeNow(this IResourceBuilder<ProjectResource> worker,
        IResourceBuilder<ParameterResource> key) =>
        worker.WithOperatorCommand(key, "/admin/bakes", "bake-now", "Bake now",
            "Bakes trending posts and who-to-follow suggestions now, on the replica that holds the baking lease.",
            null, "Oven");

    /// <summary>Passes the AppHost's settings under a section (e.g. --Crumbs:Messaging:MaxRetries=3) on to a project.</summary>
    public static IResourceBuilder<ProjectResource> WithSettings(this IResourceBuilder<ProjectResource> project, string section)
    {
        foreach (var (key, value) in project.ApplicationBuilder.Configuration.GetSection(section).AsEnumerable())
        {
            if (value is not null)
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return project;
    }

    /// <summary>The proxy port of a project's http endpoint from a setting (e.g. --Crumbs:WebPort=5280), when given.</summary>
    public static IResourceBuilder<ProjectResource> WithPortSetting(this IResourceBuilder<ProjectResource> project, string setting) =>
        project.ApplicationBuilder.Configuration.GetValue<int?>(setting) is { } port
            ? project.WithEndpoint("http", endpoint => endpoint.Port = port)
            : project;
}
