using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Diagnostics;

namespace Crumbs.Web.Hosting;

/// <summary>Bodies for bare status codes: problem details for the API, a short readable page for people.</summary>
public static class ErrorPages
{
    private const string RetryAfterSeconds = "5";

    public static Task WriteAsync(StatusCodeContext context) => WriteAsync(context.HttpContext);

    /// <summary>The body for the status code already set on the response (also for an exception the handler caught).</summary>
    public static async Task WriteAsync(HttpContext http)
    {
        if (http.Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds;   // a server is away or hung: soon, not now
        }

        if (http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/media"))
        {
            // Problem details whatever the client accepts: the service writes JSON only to a client that takes it, and
            // a browser's text/html or an image's image/png then made the error a 500.
            if (!await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new() { HttpContext = http }))
            {
                await TypedResults.Problem(statusCode: http.Response.StatusCode).ExecuteAsync(http);
            }

            return;
        }

        var status = http.Response.StatusCode;
        var reason = WebUtility.HtmlEncode(ReasonPhrases.GetReasonPhrase(status));
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            $"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{status} {reason} · Crumbs</title>" +
            $"<link rel=\"stylesheet\" href=\"/css/site.css\"><main class=\"page\"><h1>{reason}</h1>" +
            "<p>Sorry, that did not work. <a href=\"/\">Back to Crumbs</a></p></main></html>");
    }
}
