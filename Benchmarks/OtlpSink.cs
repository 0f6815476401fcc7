using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crumbs.Benchmarks;

/// <summary>
/// Where web and worker export during a run instead of the dashboard: an OTLP/HTTP (protobuf) endpoint in the bench
/// process that reads each batch, counts its bytes and answers 200 with an empty ExportServiceResponse. The apps pay
/// what a deployment pays to export (serialize, send over loopback); nothing is ingested on the measured cores. The
/// bench process is its own CPU group ("bench"), so the sink's cost is reported, not hidden in "others".
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    private OtlpSink(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Bytes received so far per signal (traces, metrics, logs).</summary>
    public IReadOnlyDictionary<string, long> Bytes => _bytes;

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var url = new Uri($"http://127.0.0.1:{AppUnderTest.FreePort()}");
        builder.WebHost.UseUrls(url.ToString());
        var app = builder.Build();
        var sink = new OtlpSink(app, url);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += read;
            }

            sink._bytes.AddOrUpdate(signal, total, (_, b) => b + total);
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return sink;
    }

    public long BytesOf(string signal) => _bytes.GetValueOrDefault(signal);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
