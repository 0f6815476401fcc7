using System.Globalization;

namespace Crumbs.Web.Posts;

/// <summary>When a post was written, as people say it ("3 min ago"); Web/wwwroot/js/site.js keeps the same words current.</summary>
public static class RelativeTime
{
    public static string Of(DateTime at, DateTime now)
    {
        var ago = now - at;
        return ago switch
        {
            _ when ago < TimeSpan.FromMinutes(1) => "just now",
            _ when ago < TimeSpan.FromHours(1) => $"{(int)ago.TotalMinutes} min ago",
            _ when ago < TimeSpan.FromDays(1) => $"{(int)ago.TotalHours} h ago",
            _ when ago < TimeSpan.FromDays(7) => $"{(int)ago.TotalDays} d ago",
            _ => at.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The exact time, for the title (shown on hover).</summary>
    public static string Exact(DateTime at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
