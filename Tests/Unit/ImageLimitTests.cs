using Crumbs.Domain.Media;
using Crumbs.Imaging;
using Crumbs.Tests.Infrastructure;
using SkiaSharp;

namespace Crumbs.Tests.Unit;

/// <summary>The pixel budget and the reduced-scale decode, on their own: no app, no servers.</summary>
public sealed class ImageLimitTests
{
    private static readonly ImageLimits Defaults = new();

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        var bomb = TestImages.BlankPng(8000, 8000);
        Assert.True(bomb.Length < 100_000, $"{bomb.Length} bytes");

        var (image, problem) = ImageCheck.Sniff(bomb, Defaults);
        Assert.Null(image);
        Assert.Contains("8000×8000 pixels", problem, StringComparison.Ordinal);

        var (bitmap, again) = ImageCheck.Decode(bomb, Defaults, Thumbnails.Large);   // the worker refuses it too
        Assert.Null(bitmap);
        Assert.Equal(problem, again);
    }

    [Fact]
    public void The_budget_is_a_setting()
    {
        var png = TestImages.Png(200, 100);
        Assert.NotNull(ImageCheck.Sniff(png, Defaults).Image);
        Assert.Null(ImageCheck.Sniff(png, new ImageLimits { MaxPixels = 19_999 }).Image);
        Assert.NotNull(ImageCheck.Sniff(png, new ImageLimits { MaxPixels = 20_000 }).Image);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Jpeg_and_webp_decode_at_a_reduced_scale_that_still_covers_the_largest_thumbnail(SKEncodedImageFormat format)
    {
        var (bitmap, problem) = ImageCheck.Decode(Encode(3200, 2400, format), Defaults, Thumbnails.Large);
        Assert.Null(problem);
        using (bitmap)
        {
            Assert.InRange(Math.Min(bitmap!.Width, bitmap.Height), Thumbnails.Large, 2400 / 4);
        }
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void A_truncated_picture_is_still_refused_when_decoded_at_a_reduced_scale(SKEncodedImageFormat format)
    {
        var whole = Encode(3200, 2400, format);
        var (bitmap, problem) = ImageCheck.Decode(whole.AsSpan(0, whole.Length * 3 / 4), Defaults, Thumbnails.Large);
        Assert.Null(bitmap);
        Assert.Equal("The picture is damaged or incomplete.", problem);
    }

    [Fact]
    public void Thumbnails_are_still_48_and_192_pixels()
    {
        var (thumbnails, problem) = Thumbnails.Make(Encode(3200, 2400, SKEncodedImageFormat.Jpeg), Defaults, Thumbnails.Small, Thumbnails.Large);
        Assert.Null(problem);
        Assert.Equal([(48, 48), (192, 192)], thumbnails!.Select(t => (t.Image.Width, t.Image.Height)));
    }

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Orange })
        {
            canvas.Clear(SKColors.SteelBlue);
            canvas.DrawCircle(width / 2f, height / 2f, height / 3f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 80);
        return data.ToArray();
    }
}
