using System.Diagnostics;

namespace Crumbs.Tests.Infrastructure;

/// <summary>Runs the built AppHost as its own process, for what only a separate process shows (publishing, start-up errors).</summary>
public static class AppHostProcess
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string Directory => File.Exists(Projects.AppHost.ProjectPath)
        ? Path.GetDirectoryName(Projects.AppHost.ProjectPath)!
        : Projects.AppHost.ProjectPath;

    public static async Task<(int ExitCode, string Output)> RunAsync(
        string[] args, IDictionary<string, string>? environment, TimeSpan timeout)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : FindOnPath("dotnet");
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(Directory, "bin", Configuration, "net10.0", "AppHost.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var cancel = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var error = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The AppHost did not exit within {timeout.TotalSeconds:0} s.");
        }

        return (process.ExitCode, await output + await error);
    }

    private static string FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists) ?? name;
}
