using System.Globalization;
using Crumbs.Domain.Caching;
using Microsoft.Extensions.Options;

namespace Crumbs.Web.Hosting;

/// <summary>
/// Diagnostics for the stampede test: when Crumbs:Diagnostics:SkipDistributedLocker or :SlowCacheLoads is on (never in
/// Production), a request may ask that its cache loads skip the distributed locker or take longer
/// (<see cref="CacheLoadDiagnostics"/>), and its answer says when it started and ended here, in UTC ticks, so a test can
/// show that its requests were in flight together.
/// </summary>
public static class CacheDiagnostics
{
    public const string SkipLockerHeader = "X-Skip-Distributed-Locker";
    public const string SlowLoadHeader = "X-Slow-Cache-Load";
    public const string WindowHeader = "X-Request-Window";

    public static WebApplication UseCacheDiagnostics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DiagnosticsOptions>>().Value;
        if (!options.SkipDistributedLocker && !options.SlowCacheLoads)
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            var skip = options.SkipDistributedLocker && context.Request.Headers.ContainsKey(SkipLockerHeader);
            var slow = options.SlowCacheLoads
                && int.TryParse(context.Request.Headers[SlowLoadHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && ms <= 10_000 ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
            if (!skip && slow == TimeSpan.Zero)
            {
                await next(context);
                return;
            }

            var started = DateTime.UtcNow.Ticks;                 // one clock for every clone on this machine
            CacheLoadDiagnostics.Set(new CacheLoadDiagnostics.Request(skip, slow));
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[WindowHeader] = string.Create(CultureInfo.InvariantCulture, $"{started} {DateTime.UtcNow.Ticks}");
                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }
}
