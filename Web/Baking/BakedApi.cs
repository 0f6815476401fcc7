using Crumbs.Domain.Baking;
using Crumbs.Web.Accounts;
using Crumbs.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crumbs.Web.Baking;

/// <summary>
/// What the workers baked ahead of time, served as baked: one Redis read (or one Postgres row if Redis lost it),
/// never the query that made it. bakedAt says how fresh it is; null until the first bake.
/// </summary>
public static class BakedApi
{
    public static void MapBakedApi(this WebApplication app)
    {
        app.MapGet("/api/trending", TrendingAsync).WithTags("Baked").WithName("GetTrending").WithSummary("Read trending posts")
            .WithDescription("The 20 most liked posts of the last 24 hours, as last baked (about every minute).");
        app.MapGet("/api/suggestions", SuggestionsAsync).WithTags("Baked").RequireSignIn()
            .WithName("GetSuggestions").WithSummary("Read whom you might follow")
            .WithDescription("Accounts followed by the accounts you follow, as last baked; for users active in the last 7 days.");
    }

    private static async Task<Ok<Trending>> TrendingAsync(BakedReads baked, CancellationToken ct) =>
        TypedResults.Ok(await baked.TrendingAsync(ct));

    private static async Task<Ok<Suggestions>> SuggestionsAsync(HttpContext http, BakedReads baked, CancellationToken ct) =>
        TypedResults.Ok(await baked.SuggestionsAsync(http.User.Id(), ct));
}
