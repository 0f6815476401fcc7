using System.Diagnostics;
using System.Text.Json.Nodes;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Api;

/// <summary>The API's description (/openapi/v1.json) passes Redocly's recommended rules, as the running app serves it.</summary>
public sealed class OpenApiLintTests(CrumbsApp crumbs)
{
    /// <summary>Pinned, so a new release's new rule cannot fail a build that changed nothing.</summary>
    private const string Redocly = "@redocly/cli@2.77.0";

    private const string IgnoreFile = ".redocly.lint-ignore.yaml";

    [Fact]
    public async Task The_document_lints_clean()
    {
        if (!OnPath("npx"))
        {
            Assert.Skip("npx is not installed: the OpenAPI lint needs Node.js and npm.");
        }

        var document = await ServedDocument.FetchAsync(crumbs);
        // As openapi.json beside the repository's list of deliberate exceptions (.redocly.lint-ignore.yaml).
        var folder = Directory.CreateTempSubdirectory("crumbs-openapi-").FullName;
        var file = Path.Combine(folder, "openapi.json");
        await File.WriteAllTextAsync(file, document, TestContext.Current.CancellationToken);
        File.Copy(Path.Combine(ServedDocument.RepositoryRoot(), IgnoreFile), Path.Combine(folder, IgnoreFile));

        var (exitCode, output, errors) = await RunAsync("npx", ["--yes", Redocly, "lint", "--format=json", "openapi.json"], folder);

        // Warnings count too: the exit code says only whether there were errors.
        var start = output.IndexOf('{', StringComparison.Ordinal);
        Assert.True(start >= 0, $"redocly lint printed no report (exit code {exitCode}):\n{errors}");
        var report = JsonNode.Parse(output[start..])!;
        var problems = report["problems"]!.AsArray().Select(problem =>
            $"{problem!["severity"]} {problem["ruleId"]}: {problem["message"]} ({problem["location"]![0]!["pointer"]})").ToList();
        Assert.True(exitCode == 0 && problems.Count == 0, $"redocly lint {file} exited with {exitCode}:\n{string.Join('\n', problems)}");
        Directory.Delete(folder, recursive: true);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(folder => File.Exists(Path.Combine(folder, program)));

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, string[] arguments, string folder)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));   // the first run downloads the CLI
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
