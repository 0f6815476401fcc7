using System.ComponentModel.DataAnnotations;

namespace Crumbs.Web.Sessions;

/// <summary>Crumbs:Sessions: how long a session lives unused, and at most.</summary>
public sealed class SessionTimeouts
{
    public const string Section = "Crumbs:Sessions";

    /// <summary>A session unused this long ends (each use pushes the end forward).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A session ends this long after its sign-in, however much it is used.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);
}
