using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// The key that operator endpoints (/admin/* on web and worker, /api/probes) ask for in X-Crumbs-Admin-Key, handed
/// to the projects as a secret parameter. In run mode the AppHost makes a new one for every run (or takes
/// --Crumbs:Admin:Key) and keeps it in the data folder, where `./crumbs seed` reads it; its own dashboard commands
/// send it. In publish mode it is a parameter without a value: azd asks for it and keeps it, never the repository.
/// </summary>
public static class OperatorKey
{
    public const string ParameterName = "admin-key";

    public static IResourceBuilder<ParameterResource> AddOperatorKey(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddParameter(ParameterName, secret: true);
        }

        var key = builder.Configuration["Crumbs:Admin:Key"];
        if (string.IsNullOrEmpty(key))
        {
            key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        }

        LocalData.Locate(builder.Configuration).Keep(ParameterName, key);
        return builder.AddParameter(ParameterName, key, secret: true);
    }

    /// <summary>Gives a project the key its operator endpoints check.</summary>
    public static IResourceBuilder<ProjectResource> WithOperatorKey(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ParameterResource> key) =>
        project.WithEnvironment("Crumbs__Admin__Key", key);
}
