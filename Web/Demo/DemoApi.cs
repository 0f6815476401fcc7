using Crumbs.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Demo;

/// <summary>POST /admin/demo/seed?users=&amp;follows=&amp;posts=&amp;likes=&amp;active=: an operator endpoint (the dashboard's "Seed demo data").</summary>
public static class DemoApi
{
    public static void MapDemoApi(this WebApplication app) =>
        app.MapOperatorGroup("/admin/demo").MapPost("/seed", SeedAsync);

    private static async Task<Results<Ok<DemoSeeded>, ProblemHttpResult>> SeedAsync(
        DemoSeeder seeder, CancellationToken ct, int users = 2_000, int follows = 60_000, int posts = 40_000, int likes = 40_000, double active = 1)
    {
        var size = new DemoSize(users, follows, posts, likes, Active: active);
        if (size.Problem is { } problem)
        {
            return TypedResults.Problem(title: "That size can't be seeded", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        var seeded = await seeder.SeedAsync(size, ct);
        // A large seed's graph took hundreds of MB on this one replica: give them back, so it serves with the memory its
        // clones have (the size sweep reports each replica's peak while serving).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return TypedResults.Ok(seeded);
    }
}
