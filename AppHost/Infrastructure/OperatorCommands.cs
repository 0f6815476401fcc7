namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// Dashboard commands that call a project's operator endpoints (see ServiceDefaults/OperatorEndpoints.cs), sending
/// the operator key (see <see cref="OperatorKey"/>), so nobody has to type it.
/// </summary>
public static class OperatorCommands
{
    public static IResourceBuilder<ProjectResource> WithOperatorCommand(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<ParameterResource> key, string path, string name, string displayName, string description,
        string? confirmation, string icon) =>
        project.WithHttpCommand(path, displayName, commandName: name, commandOptions: new HttpCommandOptions
        {
            Description = description,
            ConfirmationMessage = confirmation,
            IconName = icon,
            ResultMode = HttpCommandResultMode.Auto,
            PrepareRequest = async context => context.Request.Headers.Add("X-Crumbs-Admin-Key",
                await key.Resource.GetValueAsync(context.CancellationToken)),
        });

    /// <summary>"Seed demo data" on the web app: the default demo size (POST /admin/demo/seed).</summary>
    public static IResourceBuilder<ProjectResource> WithDemoSeed(this IResourceBuilder<ProjectResource> web,
        IResourceBuilder<ParameterResource> key) =>
        web.WithOperatorCommand(key, "/admin/demo/seed", "seed-demo", "Seed demo data",
            "Adds 2,000 users, 60,000 long-tailed follows, 40,000 posts and their timelines (password: demo password).",
            "Add a demo data set to the database?", "DatabaseArrowUp");
}
