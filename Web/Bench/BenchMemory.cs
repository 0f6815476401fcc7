using Crumbs.ServiceDefaults;

namespace Crumbs.Web.Bench;

/// <summary>
/// The replica's managed heap after a full, compacting collection, for the bench's live scenario: the RSS of a replica
/// that has already served a run barely moves when 5,000 connections arrive (they fit in heap it kept), so RSS alone
/// understates what a connection costs. On the operator key, mapped with the other bench endpoints only.
/// </summary>
public static class BenchMemory
{
    public static void MapBenchMemory(this WebApplication app) =>
        app.MapOperatorGroup("/bench/memory").MapPost("", IResult () =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Results.Ok(new { managedBytes = GC.GetTotalMemory(forceFullCollection: false) });
        });
}
