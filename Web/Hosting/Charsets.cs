using System.Text;
using Microsoft.Net.Http.Headers;

namespace Crumbs.Web.Hosting;

/// <summary>
/// A body whose Content-Type names a charset the app cannot (or must not: UTF-7) decode is refused with 415 before
/// anything reads it. Without this rule the JSON and form readers throw on such a charset, which answered 500.
/// </summary>
public static class Charsets
{
    public static IApplicationBuilder UseReadableCharsetsOnly(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (IsReadable(context.Request.ContentType))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return Task.CompletedTask; // the status code pages write the problem details or the page
        });

    public static bool IsReadable(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.Charset.HasValue)
        {
            return true; // no charset: each reader's default (UTF-8) applies, and a malformed type is the reader's to refuse
        }

        var charset = HeaderUtilities.RemoveQuotes(media.Charset).ToString();
        try
        {
            return Encoding.GetEncoding(charset).CodePage != 65000; // UTF-7 can smuggle markup past filters
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
