using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Foundation;

/// <summary>The started app: every resource healthy, several web clones answering, the queue reaching a worker.</summary>
public sealed class ClonesTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Requests_on_new_connections_are_answered_by_several_web_replicas()
    {
        using var client = crumbs.CreateClient();
        var servedBy = new HashSet<string>();
        for (var i = 0; i < 30 && servedBy.Count < 2; i++)
        {
            using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            servedBy.Add(Assert.Single(response.Headers.GetValues("X-Served-By")));
        }

        Assert.True(servedBy.Count >= 2, $"Only {string.Join(", ", servedBy)} answered.");
        Assert.All(servedBy, name => Assert.StartsWith("web-", name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readiness_reports_redis_and_postgres_on_web_and_rabbitmq_too_on_a_worker()
    {
        using var client = crumbs.CreateClient();
        var health = await client.GetStringAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", health);
        var worker = await client.GetStringAsync(new Uri(crumbs.WorkerAddress, "/health"), TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", worker);
        using var alive = await client.GetAsync("/alive", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task A_message_published_by_web_is_handled_by_a_worker_that_writes_postgres_and_redis()
    {
        using var client = crumbs.CreateOperatorClient();
        var ct = TestContext.Current.CancellationToken;
        using var sent = await client.PostAsync("/api/probes", null, ct);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var probe = await sent.Content.ReadFromJsonAsync<Probe>(ct);

        var result = await Eventually.GetAsync(async () =>
        {
            using var read = await client.GetAsync(sent.Headers.Location, ct);
            return read.IsSuccessStatusCode ? await read.Content.ReadFromJsonAsync<Probe>(ct) : null;
        }, TimeSpan.FromSeconds(30), "a worker to handle the probe");

        Assert.Equal(probe!.Id, result.Id);
        Assert.StartsWith("web-", result.SentBy, StringComparison.Ordinal);
        Assert.StartsWith("worker-", result.HandledBy, StringComparison.Ordinal); // written to Postgres by a worker
        Assert.Equal(result.HandledBy, result.CachedBy);                          // and to Redis by the same worker
        Assert.StartsWith("web-", result.ReadBy, StringComparison.Ordinal);       // and read back by a web clone
    }

    private sealed record Probe(Guid Id, string SentBy, string? HandledBy, string? CachedBy, string? ReadBy);
}
