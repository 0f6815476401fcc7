using Microsoft.Extensions.Configuration;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>What an operator does to the workers from the dashboard, and the settings the AppHost hands them.</summary>
public static class WorkerOperations
{
    private const string AdminKey = "Crumbs:Admin:Key";

    /// <summary>
    /// A dashboard command that moves every parked message back to its work queue (POST /admin/dead-letters/replay on
    /// a worker). The workers map that endpoint in Development, or anywhere when Crumbs:Admin:Key is given to both.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDeadLetterReplay(this IResourceBuilder<ProjectResource> worker) =>
        worker.WithAdminKey().WithHttpCommand("/admin/dead-letters/replay", "Replay dead letters",
            commandName: "replay-dead-letters",
            commandOptions: new HttpCommandOptions
            {
                Description = "Moves the messages parked in every <queue>.dead back to their queue, with a fresh retry count.",
                ConfirmationMessage = "Replay every dead-lettered message? Do it once the cause of the failures is fixed.",
                IconName = "ArrowReplay",
                ResultMode = HttpCommandResultMode.Auto,
                PrepareRequest = context => AddAdminKey(worker, context),
            });

    /// <summary>
    /// A dashboard command that bakes trending posts and follow suggestions now (POST /admin/bakes on a worker): the
    /// replica that answers asks the one holding the baking lease, and waits for its bake.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBakeNow(this IResourceBuilder<ProjectResource> worker) =>
        worker.WithAdminKey().WithHttpCommand("/admin/bakes", "Bake now",
            commandName: "bake-now",
            commandOptions: new HttpCommandOptions
            {
                Description = "Bakes trending posts and who-to-follow suggestions now, on the replica that holds the baking lease.",
                IconName = "Oven",
                ResultMode = HttpCommandResultMode.Auto,
                PrepareRequest = context => AddAdminKey(worker, context),
            });

    /// <summary>The admin key reaches the workers as a secret parameter, so it never shows in the dashboard or a manifest.</summary>
    private static IResourceBuilder<ProjectResource> WithAdminKey(this IResourceBuilder<ProjectResource> worker)
    {
        var key = worker.ApplicationBuilder.Configuration[AdminKey];
        // Both commands call this; the parameter is added once.
        if (!string.IsNullOrEmpty(key) && !worker.ApplicationBuilder.Resources.Any(r => r.Name == "admin-key"))
        {
            worker.WithEnvironment("Crumbs__Admin__Key", worker.ApplicationBuilder.AddParameter("admin-key", key, secret: true));
        }

        return worker;
    }

    private static Task AddAdminKey(IResourceBuilder<ProjectResource> worker, HttpCommandRequestContext context)
    {
        if (worker.ApplicationBuilder.Configuration[AdminKey] is { Length: > 0 } key)
        {
            context.Request.Headers.Add("X-Crumbs-Admin-Key", key);
        }

        return Task.CompletedTask;
    }

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
}
