using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crumbs.Tests.Baking;

/// <summary>A committed bake as the workers' operator endpoint reports it.</summary>
public sealed record BakeRunDto(string Owner, DateTime StartedAt, DateTime EndedAt, int Trending, int Suggestions);

/// <summary>Triggers bakes the way an operator does, and reads the record of every bake.</summary>
public static class Bakes
{
    /// <summary>The dashboard's "Bake now" command on the worker resource; returns once that bake has run.</summary>
    public static async Task NowAsync(CrumbsApp crumbs)
    {
        var worker = crumbs.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "worker");
        var result = await crumbs.App.ResourceCommands.ExecuteCommandAsync(worker, "bake-now", TestContext.Current.CancellationToken);
        Assert.True(result.Success, result.Message);
    }

    /// <summary>POST /admin/bakes on one replica: it asks the lease holder, whichever that is, and waits for the bake.</summary>
    public static async Task<BakeRunDto> NowAtAsync(CrumbsApp crumbs, Uri replica)
    {
        using var client = crumbs.CreateOperatorClient(replica);
        client.Timeout = TimeSpan.FromSeconds(90);
        using var response = await client.PostAsync("/admin/bakes", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BakeRunDto>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Every committed bake, in the order they started, by Postgres' clock.</summary>
    public static async Task<List<BakeRunDto>> RunsAsync(Database db) =>
        (await db.RowsAsync("select owner, started_at, ended_at, trending, suggestions from bake_runs order by started_at"))
        .Select(r => new BakeRunDto((string)r[0], (DateTime)r[1], (DateTime)r[2], (int)r[3], (int)r[4])).ToList();
}
