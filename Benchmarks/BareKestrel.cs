using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Diagnostics;

namespace Crumbs.Benchmarks;

/// <summary>
/// The physical limit: Kestrel answering "ok" on /plaintext with nothing else, no routing, no middleware, no
/// logging, no telemetry. The bench starts its own executable again as this process (--bare-kestrel PORT), so it is
/// measured as a process of its own beside the app, like a web replica.
/// </summary>
public static class BareKestrel
{
    public const string Flag = "--bare-kestrel";

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(context =>
        {
            if (context.Request.Path != "/plaintext")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync("ok");
        });
        await app.RunAsync();
    }

    /// <summary>Starts the bare process on a free port and waits until it answers.</summary>
    public static async Task<(Process Process, Uri Url)> StartAsync()
    {
        var port = AppUnderTest.FreePort();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Flag);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["DOTNET_gcServer"] = "1"; // as the web project has it (Sdk.Web)
        var process = Process.Start(start)!;
        var url = new Uri($"http://127.0.0.1:{port}");
        await Standalone.WaitUntilAnswersAsync(process, new Uri(url, "/plaintext"), TimeSpan.FromSeconds(30));
        return (process, url);
    }
}
