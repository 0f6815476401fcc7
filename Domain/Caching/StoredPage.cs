using System.Buffers.Binary;
using Crumbs.Domain.Posts;

namespace Crumbs.Domain.Caching;

/// <summary>
/// A cached timeline page as Redis holds it: the timeline version it was read under, then the post ids, 8 bytes
/// each (little-endian). Only <see cref="CachedTimeline"/> reads and writes it, so no other library's format is at stake.
/// </summary>
public static class StoredPage
{
    public static byte[] Write(long version, IReadOnlyList<Post> page) => WriteIds(version, page.Select(p => p.Id).ToList());

    public static byte[] WriteIds(long version, IReadOnlyList<long> ids)
    {
        var bytes = new byte[8 * (ids.Count + 1)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, version);
        for (var i = 0; i < ids.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * (i + 1)), ids[i]);
        }

        return bytes;
    }

    /// <summary>The version and ids, or null for bytes that are not a stored page (then it is read as a miss).</summary>
    public static (long Version, long[] Ids)? Read(byte[] bytes)
    {
        if (bytes.Length < 8 || bytes.Length % 8 != 0)
        {
            return null;
        }

        var ids = new long[(bytes.Length / 8) - 1];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 * (i + 1)));
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(bytes), ids);
    }
}
