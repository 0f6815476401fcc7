using Crumbs.Domain.Media;
using SkiaSharp;

namespace Crumbs.Imaging;

/// <summary>What an uploaded picture really is, found from its own bytes, never from its name or declared type.</summary>
public static class ImageCheck
{
    public const int MaxBytes = 2 * 1024 * 1024;
    public const int MaxSide = 8000;
    public const string TooLarge = "The picture is larger than 2 MB.";

    private static readonly Dictionary<SKEncodedImageFormat, string> Allowed = new()
    {
        [SKEncodedImageFormat.Jpeg] = "image/jpeg",
        [SKEncodedImageFormat.Png] = "image/png",
        [SKEncodedImageFormat.Webp] = "image/webp",
    };

    /// <summary>
    /// The cheap check a web request can afford: the header names a JPEG, PNG or WebP of an acceptable size, in bytes
    /// and in pixels. The pixels are decoded later, by the worker (<see cref="Decode"/>).
    /// </summary>
    public static (ImageInfo? Image, string? Problem) Sniff(ReadOnlySpan<byte> bytes, ImageLimits limits)
    {
        if (CheckLength(bytes) is { } problem)
        {
            return (null, problem);
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        return CheckHeader(codec, limits);
    }

    /// <summary>
    /// The decoded pixels (the caller disposes them), or null with a reason a person can read. The header is checked
    /// first, as in <see cref="Sniff"/>. Where the codec can (JPEG, WebP) it decodes at a reduced scale whose short
    /// side is still at least <paramref name="shortSide"/>: a 192 px picture needs no 40-megapixel bitmap. A PNG is
    /// decoded whole, within the pixel budget (this Skia's PNG codec neither scales nor decodes by scanline).
    /// </summary>
    public static (SKBitmap? Bitmap, string? Problem) Decode(ReadOnlySpan<byte> bytes, ImageLimits limits, int shortSide)
    {
        if (CheckLength(bytes) is { } tooLong)
        {
            return (null, tooLong);
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        var (image, problem) = CheckHeader(codec, limits);
        if (image is null)
        {
            return (null, problem);
        }

        var scale = Math.Min(1f, (float)shortSide / Math.Min(image.Width, image.Height));
        var bitmap = DecodeAt(codec!, codec!.GetScaledDimensions(scale), out var result);
        if (result == SKCodecResult.InvalidScale)
        {
            bitmap.Dispose();
            bitmap = DecodeAt(codec, codec.Info.Size, out result);
        }

        // A truncated file or a header followed by junk "decodes" as a partly blank picture: require a whole decode.
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return (null, "The picture is damaged or incomplete.");
        }

        return (bitmap, null);
    }

    private static string? CheckLength(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 0 ? "The file is empty." : bytes.Length > MaxBytes ? TooLarge : null;

    /// <summary>Type and size from the header alone: nothing is decoded yet.</summary>
    private static (ImageInfo? Image, string? Problem) CheckHeader(SKCodec? codec, ImageLimits limits)
    {
        if (codec is null || !Allowed.TryGetValue(codec.EncodedFormat, out var contentType))
        {
            return (null, "The file is not a JPEG, PNG or WebP picture.");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width > MaxSide || height > MaxSide)
        {
            return (null, $"The picture is larger than {MaxSide}×{MaxSide} pixels.");
        }

        if ((long)width * height > limits.MaxPixels)
        {
            return (null, $"The picture is {width}×{height} pixels: more than the {limits.MaxPixels / 1e6:0.#} megapixels a picture may have.");
        }

        return (new ImageInfo(contentType, width, height), null);
    }

    private static SKBitmap DecodeAt(SKCodec codec, SKSizeI size, out SKCodecResult result)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        return bitmap;
    }
}
