using System.Xml.Linq;

namespace Crumbs.Tests.Foundation;

/// <summary>
/// Who may reference whom (docs/architecture.md, "Who may reference whom"), read from the .csproj files so the rule
/// cannot drift: a new project, reference or package that breaks it fails here, without starting the app.
/// </summary>
public sealed class ProjectReferenceTests
{
    /// <summary>What a project may lean on: ASP.NET Core, the RabbitMQ client, SkiaSharp.</summary>
    [Flags]
    private enum Uses { None = 0, AspNetCore = 1, Broker = 2, Skia = 4 }

    private const Uses Anything = Uses.AspNetCore | Uses.Broker | Uses.Skia;

    /// <summary>The table in docs/architecture.md: a project's own project references, and what it may use, references included.</summary>
    private static readonly Dictionary<string, (string[] References, Uses MayUse)> Rule = new()
    {
        ["Domain"] = ([], Uses.None),
        ["Imaging"] = (["Domain"], Uses.Skia),
        ["ServiceDefaults"] = ([], Uses.AspNetCore),
        ["Web"] = (["ServiceDefaults", "Domain", "Imaging"], Uses.AspNetCore | Uses.Skia),
        ["Worker"] = (["ServiceDefaults", "Domain", "Imaging"], Anything),
        ["AppHost"] = (["Web", "Worker"], Anything),      // the hosts as Aspire resources, not as assemblies
        ["Tests"] = (["AppHost"], Anything),
        ["Unit"] = (["Web"], Anything),                         // Tests/Unit: the pure rules, without the app
        ["Benchmarks"] = ([], Uses.AspNetCore),                 // its bare Kestrel baseline, OTLP sink and live load generator
    };

    private static readonly Lazy<Dictionary<string, Project>> Projects = new(ReadProjects);

    private static readonly string Root = RepositoryRoot();

    public static TheoryData<string> Names => new(Rule.Keys);

    [Fact]
    public void Every_project_has_a_rule_and_is_in_the_solution()
    {
        Assert.Equal(Rule.Keys.Order(), Projects.Value.Keys.Order());
        var solution = File.ReadAllText(Path.Combine(Root, "Aspire.sln"));
        Assert.All(Projects.Value.Values, project => Assert.Contains($"\"{project.Path.Replace('/', '\\')}\"", solution, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_project_references_only_the_projects_its_rule_names(string name) =>
        Assert.Equal(Rule[name].References.Order(), Projects.Value[name].References.Order());

    [Theory]
    [MemberData(nameof(Names))]
    public void A_project_uses_only_what_its_rule_allows_through_its_references_too(string name)
    {
        var used = Closure(name).Aggregate(Uses.None, (all, project) => all | Projects.Value[project].Uses);
        Assert.True((used & ~Rule[name].MayUse) == Uses.None,
            $"{name} uses {used & ~Rule[name].MayUse} (through {string.Join(", ", Closure(name))}), which its rule does not allow.");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Package_versions_live_only_in_Directory_Packages_props(string name) =>
        Assert.Empty(Projects.Value[name].Versioned);

    /// <summary>The project and every project it references, directly or not.</summary>
    private static List<string> Closure(string name)
    {
        var seen = new List<string>();
        var next = new Stack<string>([name]);
        while (next.TryPop(out var project))
        {
            if (seen.Contains(project))
            {
                continue;
            }

            seen.Add(project);
            if (project != "AppHost")   // the AppHost's references are resources it starts, not assemblies it loads
            {
                foreach (var reference in Projects.Value[project].References)
                {
                    next.Push(reference);
                }
            }
        }

        return seen;
    }

    private sealed record Project(string Path, string[] References, string[] Packages, Uses Uses, string[] Versioned);

    private static Dictionary<string, Project> ReadProjects()
    {
        return Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(Root, path).Split(Path.DirectorySeparatorChar)
                .Any(folder => folder is "bin" or "obj" or "TestResults" || folder.StartsWith('.')))
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path), path =>
            {
                var xml = XDocument.Load(path).Root!;
                string[] Items(string kind) => xml.Descendants(kind).Select(item => (string)item.Attribute("Include")!).ToArray();
                var packages = Items("PackageReference");
                var uses = Uses.None;
                if (((string?)xml.Attribute("Sdk"))?.StartsWith("Microsoft.NET.Sdk.Web", StringComparison.Ordinal) == true
                    || Items("FrameworkReference").Contains("Microsoft.AspNetCore.App")
                    || packages.Any(p => p.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)))
                {
                    uses |= Uses.AspNetCore;
                }

                if (packages.Any(p => p.Contains("RabbitMQ", StringComparison.OrdinalIgnoreCase)))
                {
                    uses |= Uses.Broker;
                }

                if (packages.Any(p => p.StartsWith("SkiaSharp", StringComparison.Ordinal)))
                {
                    uses |= Uses.Skia;
                }

                return new Project(
                    Path.GetRelativePath(Root, path).Replace('\\', '/'),
                    Items("ProjectReference").Select(reference => Path.GetFileNameWithoutExtension(reference.Replace('\\', '/'))).ToArray(),
                    packages, uses,
                    xml.Descendants("PackageReference").Where(item => item.Attribute("Version") is not null)
                        .Select(item => (string)item.Attribute("Include")!).ToArray());
            });
    }

    private static string RepositoryRoot()
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
