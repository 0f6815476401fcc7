using System.Text.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Foundation;

/// <summary>What the AppHost declares for deployment, and how it fails when a server program is missing.</summary>
public sealed class AppHostTests
{
    [Fact]
    public async Task The_publish_manifest_uses_containers_for_every_server_and_projects_for_the_apps()
    {
        var output = Path.Combine(Path.GetTempPath(), $"crumbs-manifest-{Guid.NewGuid():N}");
        try
        {
            const string KeyOnThisMachine = "an-operator-key-that-must-not-be-published";
            var (exitCode, log) = await AppHostProcess.RunAsync(
                ["--publisher", "manifest", "--output-path", Path.Combine(output, "aspire-manifest.json"), $"--Crumbs:Admin:Key={KeyOnThisMachine}"],
                environment: null, TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0, log);

            var text = await File.ReadAllTextAsync(Path.Combine(output, "aspire-manifest.json"), TestContext.Current.CancellationToken);
            Assert.DoesNotContain(KeyOnThisMachine, text, StringComparison.Ordinal);
            using var manifest = JsonDocument.Parse(text);
            var resources = manifest.RootElement.GetProperty("resources");
            string TypeOf(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

            Assert.StartsWith("container.", TypeOf("cache"), StringComparison.Ordinal);
            Assert.StartsWith("container.", TypeOf("postgres"), StringComparison.Ordinal);
            Assert.StartsWith("container.", TypeOf("messaging"), StringComparison.Ordinal);
            Assert.Equal("value.v0", TypeOf("db"));
            foreach (var app in new[] { "web", "worker" })
            {
                Assert.Equal("project.v0", TypeOf(app));
                var env = resources.GetProperty(app).GetProperty("env");
                Assert.Contains("{cache.connectionString}", env.GetProperty("ConnectionStrings__cache").GetString(), StringComparison.Ordinal);
                Assert.Contains("{db.connectionString}", env.GetProperty("ConnectionStrings__db").GetString(), StringComparison.Ordinal);
                Assert.Equal("{admin-key.value}", env.GetProperty("Crumbs__Admin__Key").GetString());
            }

            // Only the workers talk to the broker; the web writes the outbox and neither knows nor waits for RabbitMQ.
            Assert.Contains("{messaging.connectionString}",
                resources.GetProperty("worker").GetProperty("env").GetProperty("ConnectionStrings__messaging").GetString(), StringComparison.Ordinal);
            Assert.False(resources.GetProperty("web").GetProperty("env").TryGetProperty("ConnectionStrings__messaging", out _));

            // The operator key is a secret parameter with no value and no default: azd asks for it, per environment.
            var adminKey = resources.GetProperty("admin-key");
            Assert.Equal("parameter.v0", adminKey.GetProperty("type").GetString());
            var input = adminKey.GetProperty("inputs").GetProperty("value");
            Assert.True(input.GetProperty("secret").GetBoolean());
            Assert.False(input.TryGetProperty("default", out _));

            // Redis in its container runs with a memory limit and evicts what expires soonest.
            var redisCommand = string.Join(' ', resources.GetProperty("cache").GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            Assert.Contains("--maxmemory 256mb --maxmemory-policy volatile-ttl", redisCommand, StringComparison.Ordinal);

            Assert.DoesNotContain(resources.EnumerateObject(),
                resource => resource.Value.GetProperty("type").GetString()!.StartsWith("executable", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_missing_server_program_stops_the_app_host_at_once_with_the_package_to_install()
    {
        var emptyPath = Directory.CreateTempSubdirectory("crumbs-empty-path-").FullName;
        try
        {
            var (exitCode, log) = await AppHostProcess.RunAsync(
                ["--Servers:Mode=local", $"--Servers:DataPath={Path.Combine(emptyPath, "data")}"],
                new Dictionary<string, string> { ["PATH"] = emptyPath }, TimeSpan.FromSeconds(90));

            Assert.NotEqual(0, exitCode);
            Assert.Contains("'redis-server'", log, StringComparison.Ordinal);
            Assert.Contains("apt-get install -y redis-server", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(emptyPath, recursive: true);
        }
    }
}
