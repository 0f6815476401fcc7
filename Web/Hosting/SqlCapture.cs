using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Crumbs.Web.Hosting;

/// <summary>
/// Diagnostics for the "hot reads use no JOIN" proof: when Crumbs:Diagnostics:SqlCapture is on (never in Production) and a request asks
/// with X-Capture-Sql, every SQL statement it runs (seen through Npgsql's activities) comes back, base64 JSON,
/// in the X-Sql-Statements response header. Off by default; the tests turn it on.
/// </summary>
public static class SqlCapture
{
    public const string RequestHeader = "X-Capture-Sql";
    public const string ResponseHeader = "X-Sql-Statements";

    private static readonly AsyncLocal<List<string>?> Statements = new();

    public static WebApplication UseSqlCapture(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DiagnosticsOptions>>().Value.SqlCapture)
        {
            return app;
        }

        ActivitySource.AddActivityListener(new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (Statements.Value is { } statements
                    && (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) is string sql)
                {
                    lock (statements)
                    {
                        statements.Add(sql);
                    }
                }
            },
        });

        app.Use(async (context, next) =>
        {
            if (!context.Request.Headers.ContainsKey(RequestHeader))
            {
                await next(context);
                return;
            }

            var statements = new List<string>();
            Statements.Value = statements;
            context.Response.OnStarting(() =>
            {
                lock (statements)
                {
                    context.Response.Headers[ResponseHeader] = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(statements)));
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }
}
