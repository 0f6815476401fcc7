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
        return size.Problem is { } problem
            ? TypedResults.Problem(title: "That size can't be seeded", detail: problem, statusCode: StatusCodes.Status400BadRequest)
            : TypedResults.Ok(await seeder.SeedAsync(size, ct));
    }
}
