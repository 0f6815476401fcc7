using System.ComponentModel.DataAnnotations;

namespace Crumbs.Domain.Timelines;

/// <summary>Crumbs:Timeline: who is too popular to fan out.</summary>
public sealed class TimelineOptions
{
    public const string Section = "Crumbs:Timeline";

    /// <summary>Authors with more followers than this are not fanned out; their posts are merged in when read.</summary>
    [Range(1, int.MaxValue)]
    public int CelebrityThreshold { get; set; } = 1000;
}
