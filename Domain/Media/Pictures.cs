namespace Crumbs.Domain.Media;

/// <summary>What an uploaded picture really is, found from its own bytes (Imaging), never from its name or declared type.</summary>
public sealed record ImageInfo(string ContentType, int Width, int Height);

/// <summary>A square picture of one size, ready to store and serve.</summary>
public sealed record Thumbnail(ImageInfo Image, byte[] Bytes);
