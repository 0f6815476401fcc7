namespace Crumbs.AppHost.Infrastructure;

/// <summary>Finds the server programs that local-process mode starts.</summary>
internal static class Executables
{
    /// <summary>The first match in the given folders, then on PATH.</summary>
    public static string? Find(string name, params string[] extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return extraDirectories
            .Concat(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Fails fast, naming the package that provides the program, instead of letting a resource wait forever.</summary>
    public static string Require(string name, string package, params string[] extraDirectories) =>
        Find(name, extraDirectories) ?? throw new DistributedApplicationException(
            $"Crumbs needs '{name}' to run its servers as local processes, and it is not installed. " +
            $"Install it with `sudo apt-get install -y {package}` (or run `./crumbs setup`), " +
            "start a container runtime, or choose another mode with --Servers:Mode=containers|external.");
}
