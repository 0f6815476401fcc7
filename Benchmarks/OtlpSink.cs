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
/// Log batches (warnings and errors, ≈ 0.1 MiB a run) are kept as they came, in <c>logs.otlp</c> in the run's folder:
/// each an ExportLogsServiceRequest after its length as a varint (read them with
/// <c>protoc --decode_raw</c>, or <c>strings</c> for the messages and stack traces), so a request that failed during a
/// run can be explained afterwards.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private readonly FileStream _logs;
    private readonly SemaphoreSlim _logsGate = new(1, 1);

    private OtlpSink(WebApplication app, Uri url, string logsPath)
    {
        _app = app;
        Url = url;
        _logs = File.Create(logsPath);
    }

    public Uri Url { get; }

    /// <summary>Bytes received so far per signal (traces, metrics, logs).</summary>
    public IReadOnlyDictionary<string, long> Bytes => _bytes;

    public static async Task<OtlpSink> StartAsync(string logsPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var url = new Uri($"http://127.0.0.1:{AppUnderTest.FreePort()}");
        builder.WebHost.UseUrls(url.ToString());
        var app = builder.Build();
        var sink = new OtlpSink(app, url, logsPath);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            var buffer = new byte[16 * 1024];
            var kept = signal == "logs" ? new MemoryStream() : null;
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += read;
                kept?.Write(buffer, 0, read);
            }

            sink._bytes.AddOrUpdate(signal, total, (_, b) => b + total);
            if (kept is not null)
            {
                await sink.KeepAsync(kept);
            }

            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return sink;
    }

    public long BytesOf(string signal) => _bytes.GetValueOrDefault(signal);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _logs.DisposeAsync();
    }

    /// <summary>One batch, after its length as a protobuf varint (the "delimited" form).</summary>
    private async Task KeepAsync(MemoryStream batch)
    {
        var prefix = new List<byte>();
        for (var length = (ulong)batch.Length; ; length >>= 7)
        {
            prefix.Add((byte)(length < 0x80 ? length : (length & 0x7F) | 0x80));
            if (length < 0x80)
            {
                break;
            }
        }

        await _logsGate.WaitAsync();
        try
        {
            await _logs.WriteAsync(prefix.ToArray());
            await _logs.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length));
            await _logs.FlushAsync();
        }
        finally
        {
            _logsGate.Release();
        }
    }
}
