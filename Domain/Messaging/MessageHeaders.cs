using System.Diagnostics;
using System.Text;

namespace Crumbs.Domain.Messaging;

/// <summary>The headers Crumbs puts on its messages, and how to read them back (AMQP gives strings as bytes).</summary>
public static class MessageHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string RetryCount = "x-retry-count";
    public const string ErrorType = "x-error-type";
    public const string ErrorMessage = "x-error-message";

    public static string? GetString(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string text => text,
            null => null,
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        } : null;

    public static int GetInt(IDictionary<string, object?>? headers, string name) =>
        int.TryParse(GetString(headers, name), out var value) ? value : 0;

    /// <summary>The trace a message belongs to, from its W3C traceparent header, if it has one.</summary>
    public static ActivityContext ParentOf(IDictionary<string, object?>? headers) =>
        ActivityContext.TryParse(GetString(headers, TraceParent), GetString(headers, TraceState), isRemote: true, out var context)
            ? context
            : default;

    /// <summary>The W3C headers of the current activity, to carry the trace across the queue.</summary>
    public static Dictionary<string, string> OfCurrentTrace()
    {
        var headers = new Dictionary<string, string>();
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            headers[TraceParent] = activity.Id!;
            if (activity.TraceStateString is { Length: > 0 } state)
            {
                headers[TraceState] = state;
            }
        }

        return headers;
    }
}
