using Microsoft.Extensions.Configuration;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// --Crumbs:ProjectEnvironment=Staging runs web and worker in that hosting environment instead of their launch
/// profile's Development: no developer exception page, no DI scope validation, production defaults, while the test
/// and bench switches (Crumbs:Diagnostics, refused only in Production) stay allowed. ./crumbs bench measures so.
/// </summary>
public static class ProjectEnvironment
{
    public const string Setting = "Crumbs:ProjectEnvironment";

    /// <summary>Call after the projects are declared: the launch profile's value is set before this callback runs.</summary>
    public static void ConfigureProjectEnvironment(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration[Setting] is not { Length: > 0 } environment)
        {
            return;
        }

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                context.EnvironmentVariables["ASPNETCORE_ENVIRONMENT"] = environment;
                context.EnvironmentVariables["DOTNET_ENVIRONMENT"] = environment;
            }));
        }
    }
}
