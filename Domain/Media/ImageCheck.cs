using SkiaSharp;

namespace Crumbs.Domain.Media;

/// <summary>What an uploaded picture really is, found by decoding it whole, never from its name or declared type.</summary>
public sealed record ImageInfo(string ContentType, int Width, int Height);

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
    /// The cheap check a web request can afford: the header names a JPEG, PNG or WebP of an acceptable size. The
    /// pixels are decoded later, by the worker (<see cref="Inspect"/>).
    /// </summary>
    public static (ImageInfo? Image, string? Problem) Sniff(ReadOnlySpan<byte> bytes)
    {
        var (image, _, problem) = Check(bytes, decode: false);
        return (image, problem);
    }

    /// <summary>The image's type and size after decoding it whole, or null with a reason a person can read.</summary>
    public static (ImageInfo? Image, string? Problem) Inspect(ReadOnlySpan<byte> bytes)
    {
        var (image, bitmap, problem) = Check(bytes, decode: true);
        bitmap?.Dispose();
        return (image, problem);
    }

    /// <summary>The decoded pixels (the caller disposes them), or null with a reason a person can read.</summary>
    public static (SKBitmap? Bitmap, string? Problem) Decode(ReadOnlySpan<byte> bytes)
    {
        var (_, bitmap, problem) = Check(bytes, decode: true);
        return (bitmap, problem);
    }

    private static (ImageInfo? Image, SKBitmap? Bitmap, string? Problem) Check(ReadOnlySpan<byte> bytes, bool decode)
    {
        if (bytes.Length == 0)
        {
            return (null, null, "The file is empty.");
        }

        if (bytes.Length > MaxBytes)
        {
            return (null, null, TooLarge);
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null || !Allowed.TryGetValue(codec.EncodedFormat, out var contentType))
        {
            return (null, null, "The file is not a JPEG, PNG or WebP picture.");
        }

        var info = codec.Info;
        if (info.Width > MaxSide || info.Height > MaxSide)
        {
            return (null, null, $"The picture is larger than {MaxSide}×{MaxSide} pixels.");
        }

        if (!decode)
        {
            return (new ImageInfo(contentType, info.Width, info.Height), null, null);
        }

        // A truncated file or a header followed by junk "decodes" as a partly blank picture: require a whole decode.
        var bitmap = new SKBitmap(info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Premul));
        if (codec.GetPixels(bitmap.Info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return (null, null, "The picture is damaged or incomplete.");
        }

        return (new ImageInfo(contentType, info.Width, info.Height), bitmap, null);
    }
}
