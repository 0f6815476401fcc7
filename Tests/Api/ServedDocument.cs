using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Api;

/// <summary>The OpenAPI document as the running app serves it, and the copy the checked-in client was made from.</summary>
internal static class ServedDocument
{
    public static async Task<string> FetchAsync(CrumbsApp crumbs)
    {
        using var client = crumbs.CreateClient();
        return await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
    }

    /// <summary>Tests/Api/openapi.json: what Tests/Api/generate-client.sh generated Tests/Api/Client from.</summary>
    public static string CheckedInPath => Path.Combine(RepositoryRoot(), "Tests", "Api", "openapi.json");

    /// <summary>The repository's root folder, found from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Aspire.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Aspire.sln above {AppContext.BaseDirectory}.");
    }
}
