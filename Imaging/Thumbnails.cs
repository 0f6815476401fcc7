using Crumbs.Domain.Media;
using SkiaSharp;

namespace Crumbs.Imaging;

/// <summary>
/// Makes an avatar's pictures from an upload: decoded (at a reduced scale where the codec can), center-cropped to a square, resized, and encoded
/// afresh as WebP, which leaves every piece of the original's metadata (camera, place, time) behind.
/// </summary>
public static class Thumbnails
{
    public const int Small = 48;
    public const int Large = 192;
    private const int Quality = 85;

    /// <summary>One thumbnail per size, or null with a reason a person can read.</summary>
    public static (IReadOnlyList<Thumbnail>? Thumbnails, string? Problem) Make(byte[] upload, ImageLimits limits, params int[] sizes)
    {
        var (decoded, problem) = ImageCheck.Decode(upload, limits, sizes.Max());
        if (decoded is null)
        {
            return (null, problem);
        }

        using var original = decoded;
        original.SetImmutable();   // so the image below shares its pixels instead of copying them
        using var source = SKImage.FromBitmap(original);
        var side = Math.Min(original.Width, original.Height);
        var crop = SKRectI.Create((original.Width - side) / 2, (original.Height - side) / 2, side, side);
        return (sizes.Select(size => Resize(source, crop, size)).ToList(), null);
    }

    private static Thumbnail Resize(SKImage source, SKRectI crop, int size)
    {
        using var surface = SKSurface.Create(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.DrawImage(source, SKRect.Create(crop.Left, crop.Top, crop.Width, crop.Height),
            SKRect.Create(0, 0, size, size), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var snapshot = surface.Snapshot();
        using var encoded = snapshot.Encode(SKEncodedImageFormat.Webp, Quality);
        return new Thumbnail(new ImageInfo("image/webp", size, size), encoded.ToArray());
    }
}
