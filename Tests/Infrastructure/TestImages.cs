using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Crumbs.Tests.Infrastructure;

/// <summary>Real PNG files made on the spot: noise does not compress, so the size follows the pixel count.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            var row = new byte[width * 3];
            random.NextBytes(row);
            raw.Write(row);
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(zlib);
        }

        return Assemble(width, height, colorType: 2, compressed.ToArray());   // RGB
    }

    /// <summary>
    /// A grey picture of any size that compresses to almost nothing: 8000×8000 is 62 KB, 64 megapixels once decoded.
    /// A decompression bomb, made row by row so the test never holds the raw pixels.
    /// </summary>
    public static byte[] BlankPng(int width, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1]; // filter byte 0, then grey 0
            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        return Assemble(width, height, colorType: 0, compressed.ToArray());   // greyscale
    }

    /// <summary>The PNG signature, header, one IDAT of the compressed rows, and the end.</summary>
    private static byte[] Assemble(int width, int height, byte colorType, byte[] idat)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = colorType;
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
