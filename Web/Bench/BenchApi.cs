using Crumbs.Domain.Posts;
using Crumbs.Web.Posts;
using Crumbs.Web.Timelines;

namespace Crumbs.Web.Bench;

/// <summary>
/// Endpoints for `./crumbs bench` (see Benchmarks/), mapped only when Crumbs:Diagnostics:BenchEndpoints is true (the bench
/// command sets it through the AppHost): the app never uses them. /bench/plaintext is the ceiling every scenario is
/// compared with: the same process answering without any work; then the four ways of reading a home timeline.
/// </summary>
public static class BenchApi
{
    public static void MapBenchApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DiagnosticsOptions>>().Value.BenchEndpoints)
        {
            return;
        }

        app.MapGet("/bench/plaintext", () => "ok").ExcludeFromDescription();
        var timeline = app.MapGroup("/bench/timeline").ExcludeFromDescription();
        timeline.MapGet("/join", (long user, string? before, BenchTimelines reads, CancellationToken ct) => Page(before, b => reads.JoinAsync(user, b, ct)));
        timeline.MapGet("/home", (long user, string? before, BenchTimelines reads, CancellationToken ct) => Page(before, b => reads.HomeAsync(user, b, ct)));
        timeline.MapGet("/table", (long user, string? before, BenchTimelines reads, CancellationToken ct) => Page(before, b => reads.TableAsync(user, b, ct)));
        timeline.MapGet("/cached-result", (long user, string? before, BenchTimelines reads, CancellationToken ct) => Page(before, b => reads.CachedResultAsync(user, b, ct)));
        timeline.MapGet("/cached-objects", (long user, string? before, BenchTimelines reads, CancellationToken ct) => Page(before, b => reads.CachedObjectsAsync(user, b, ct)));
        app.MapBenchSessions();
        app.MapBenchMemory();
    }

    /// <summary>Registered always, resolved only where the endpoints are mapped.</summary>
    public static WebApplicationBuilder AddBench(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BenchTimelines>();
        return builder;
    }

    private static async Task<IResult> Page(string? before, Func<long, Task<byte[]>> read)
    {
        var (max, _, problem) = Cursor.Parse(before, null);
        return problem is not null ? TimelineApi.BadCursor(problem) : Results.Bytes(await read(max), "application/json");
    }
}
