namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// Dashboard commands that call a project's operator endpoints (see Domain/Hosting/OperatorEndpoints.cs). With
/// --Crumbs:Admin:Key the projects get the key as a secret parameter and the commands send it; without, the
/// endpoints exist only in Development.
/// </summary>
public static class OperatorCommands
{
    public static IResourceBuilder<ProjectResource> WithOperatorCommand(this IResourceBuilder<ProjectResource> project,
        string path, string name, string displayName, string description, string? confirmation, string icon)
    {
        var key = project.ApplicationBuilder.Configuration["Crumbs:Admin:Key"];
        if (!string.IsNullOrEmpty(key))
        {
            // A secret parameter, so the key never appears in plain text in the dashboard or a publish manifest.
            var parameter = project.ApplicationBuilder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == "admin-key")
                ?? project.ApplicationBuilder.AddParameter("admin-key", key, secret: true).Resource;
            project.WithEnvironment("Crumbs__Admin__Key", parameter);
        }

        return project.WithHttpCommand(path, displayName, commandName: name, commandOptions: new HttpCommandOptions
        {
            Description = description,
            ConfirmationMessage = confirmation,
            IconName = icon,
            ResultMode = HttpCommandResultMode.Auto,
            PrepareRequest = context =>
            {
                if (!string.IsNullOrEmpty(key))
                {
                    context.Request.Headers.Add("X-Crumbs-Admin-Key", key);
                }

                return Task.CompletedTask;
            },
        });
    }

    /// <summary>"Seed demo data" on the web app: the default demo size (POST /admin/demo/seed).</summary>
    public static IResourceBuilder<ProjectResource> WithDemoSeed(this IResourceBuilder<ProjectResource> web) =>
        web.WithOperatorCommand("/admin/demo/seed", "seed-demo", "Seed demo data",
            "Adds 2,000 users, 60,000 long-tailed follows, 40,000 posts and their timelines (password: demo password).",
            "Add a demo data set to the database?", "DatabaseArrowUp");
}
