using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// Operator surfaces (/admin/* on web and worker, probes) answer only to the key the AppHost made for the run, in
/// every environment (the test app runs in Development); /bench/* exists only when the benchmark starts the app.
/// </summary>
public sealed class OperatorKeyTests(CrumbsApp crumbs)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> OperatorEndpoints => new()
    {
        // users=1 is refused by the seeder (400): should the key check ever let this through, nothing is seeded.
        { "web", "POST", "/admin/demo/seed?users=1" },
        { "worker", "GET", "/admin/bakes" },
        { "worker", "GET", "/admin/dead-letters/crumbs.probes" },
        { "worker", "POST", "/admin/dead-letters/crumbs.nowhere/replay" },
        { "web", "POST", "/api/probes" },
        { "web", "POST", "/api/probes?failTimes=100" },
        { "web", "GET", $"/api/probes/{Guid.NewGuid()}" },
    };

    [Theory]
    [MemberData(nameof(OperatorEndpoints))]
    public async Task Without_the_key_or_with_a_wrong_one_an_operator_endpoint_answers_401_with_a_problem(string service, string method, string path)
    {
        foreach (var key in new string?[] { null, "", "wrong", crumbs.AdminKeyFileExists() ? crumbs.AdminKey + "x" : "x" })
        {
            using var client = crumbs.CreateClient();
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Address(service), path));
            if (key is not null)
            {
                request.Headers.Add(CrumbsApp.AdminKeyHeader, key);
            }

            using var response = await client.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} on {service} with key '{key}' answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(401, (await response.Content.ReadFromJsonAsync<Problem>(Ct))!.Status);
        }
    }

    [Fact]
    public async Task A_probe_without_the_key_writes_nothing_to_the_outbox()
    {
        await using var db = await crumbs.OpenDatabaseAsync();
        async Task<long> ProbesInOutbox()
        {
            await using var count = new Npgsql.NpgsqlCommand("select count(*) from outbox where kind = 'ProbeSent'", db);
            return (long)(await count.ExecuteScalarAsync(Ct))!;
        }

        var before = await ProbesInOutbox();
        using var client = crumbs.CreateClient();
        using var response = await client.PostAsync("/api/probes?failTimes=100", null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await ProbesInOutbox());
    }

    [Fact]
    public async Task With_the_key_kept_in_the_data_folder_operator_endpoints_answer()
    {
        Assert.True(crumbs.AdminKeyFileExists(), $"no operator key in {crumbs.AdminKeyFile}");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(crumbs.AdminKeyFile));
        }

        Assert.True(crumbs.AdminKey.Length >= 32, "the generated key is long and random");

        using var worker = crumbs.CreateOperatorClient(crumbs.WorkerAddress);
        using var bakes = await worker.GetAsync("/admin/bakes", Ct);
        Assert.Equal(HttpStatusCode.OK, bakes.StatusCode);

        using var web = crumbs.CreateOperatorClient();
        using var probe = await web.PostAsync("/api/probes", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, probe.StatusCode);
        using var tooSmall = await web.PostAsync("/admin/demo/seed?users=1", null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooSmall.StatusCode);   // reached the seeder, which refuses that size
    }

    /// <summary>`./crumbs seed` as a user of `./crumbs start` runs it: no key typed, it reads the data folder's.</summary>
    [Fact]
    public async Task The_seed_command_sends_the_key_kept_in_the_data_folder()
    {
        var (exitCode, output) = await RunCrumbsAsync(["seed", "3", "2", "3"], Path.GetDirectoryName(Path.GetDirectoryName(crumbs.AdminKeyFile))!);
        Assert.True(exitCode == 0, output);
        Assert.Contains("\"users\":3", output, StringComparison.Ordinal);

        var elsewhere = Directory.CreateTempSubdirectory("crumbs-no-key-").FullName;
        try
        {
            (exitCode, output) = await RunCrumbsAsync(["seed", "3", "2", "3"], elsewhere);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("No operator key", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Theory]
    [InlineData("/bench/plaintext")]
    [InlineData("/bench/timeline/table?user=1")]
    [InlineData("/bench/sessions?user=1")]
    [InlineData("/bench/memory")]
    public async Task Bench_endpoints_do_not_exist_unless_the_benchmark_started_the_app(string path)
    {
        using var client = crumbs.CreateClient();
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<(int ExitCode, string Output)> RunCrumbsAsync(string[] args, string dataPath)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppHostProcess.Directory, "..", "crumbs"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CRUMBS_DATA_PATH"] = dataPath;
        start.Environment["CRUMBS_URL"] = crumbs.WebAddress.ToString().TrimEnd('/');
        start.Environment.Remove("CRUMBS_ADMIN_KEY");
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output + await error);
    }

    private Uri Address(string service) => service == "worker" ? crumbs.WorkerAddress : crumbs.WebAddress;

    private sealed record Problem(int Status, string? Title);
}
