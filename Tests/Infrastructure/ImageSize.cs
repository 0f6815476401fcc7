using System.Buffers.Binary;
using System.Text;

namespace Crumbs.Tests.Infrastructure;

/// <summary>A picture's format and size, read from its header (PNG, or WebP in its three forms).</summary>
public static class ImageSize
{
    public static (string Format, int Width, int Height) Of(byte[] bytes)
    {
        if (bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return ("png", BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        }

        Assert.Equal("RIFF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WEBP", Encoding.ASCII.GetString(bytes, 8, 4));
        return Encoding.ASCII.GetString(bytes, 12, 4) switch
        {
            // Lossy: a key frame's start code, then 14-bit width and height.
            "VP8 " => ("webp", BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(26)) & 0x3FFF,
                BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28)) & 0x3FFF),
            // Lossless: a signature byte, then width-1 and height-1 in 14 bits each.
            "VP8L" => (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(21)) is var bits
                ? ("webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1) : default),
            // Extended (carries metadata or alpha): 24-bit canvas width-1 and height-1.
            "VP8X" => ("webp-extended", (bytes[24] | bytes[25] << 8 | bytes[26] << 16) + 1, (bytes[27] | bytes[28] << 8 | bytes[29] << 16) + 1),
            var chunk => throw new InvalidDataException($"Unknown WebP chunk {chunk}"),
        };
    }
}
