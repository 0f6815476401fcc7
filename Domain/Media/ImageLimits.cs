namespace Crumbs.Domain.Media;

/// <summary>
/// How large a picture may be, read from its header before anything is decoded (Crumbs:Media). A PNG of 8000×8000
/// blank pixels is 62 KB on the wire and 256 MB once decoded: the file size says nothing about the decode's cost.
/// </summary>
public sealed class ImageLimits
{
    public const string Section = "Crumbs:Media";

    /// <summary>Width × height at most; 40 megapixels is a 7,300 × 5,500 photo, beyond any phone camera's.</summary>
    public long MaxPixels { get; set; } = 40_000_000;
}
