using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Foundation;

/// <summary>
/// A clone keeps at most Crumbs:Database:MaxPoolSize connections to Postgres however many requests it serves at once
/// (Domain/Database/ConnectionPool.cs); the rest wait for one in the process. Each connection carries its clone's name
/// (application_name), so pg_stat_activity tells whose it is.
/// </summary>
public sealed class ConnectionPoolTests(CrumbsApp crumbs)
{
    private const int AtOnce = 64;

    [Fact]
    public async Task A_clone_serving_many_cold_reads_at_once_opens_no_more_connections_than_its_pool()
    {
        using var reader = await UserSession.SignUpAsync(crumbs);
        var replica = crumbs.Replicas.Of("web").Select(r => r.Address).OfType<Uri>().First();
        string name;
        using (var first = await reader.SendAsync(HttpMethod.Get, "/api/timeline", replica: replica))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            name = Assert.Single(first.Headers.GetValues("X-Served-By"));
        }

        // Every request a page nobody read before (its own cursor), so each one reads Postgres.
        var responses = await Task.WhenAll(Enumerable.Range(1, AtOnce).Select(i =>
            reader.SendAsync(HttpMethod.Get, $"/api/timeline?before={long.MaxValue - i}&limit=11", replica: replica)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        // The pool keeps what it opened (idle connections live for minutes), so its peak is still there to count.
        var open = await new Database(crumbs).ScalarAsync<long>(
            "select count(*) from pg_stat_activity where application_name = @name", ("name", name));
        Assert.InRange(open, 1, CrumbsApp.WebDatabasePoolSize);
    }
}
