using System.Security.Claims;
using Crumbs.Domain.Caching;
using Crumbs.Domain.Posts;

namespace Crumbs.Web.Posts;

/// <summary>Which of some posts the person reading likes: nothing for a signed-out reader, else one Redis round trip.</summary>
public static class ViewerLikes
{
    private static readonly IReadOnlySet<long> None = new HashSet<long>();

    public static Task<IReadOnlySet<long>> LikedByAsync(this CachedLikes likes, ClaimsPrincipal viewer, IEnumerable<Post> posts, CancellationToken ct) =>
        viewer.Identity?.IsAuthenticated == true && viewer.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            ? likes.LikedAmongAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), posts.Select(p => p.Id).ToList(), ct)
            : Task.FromResult(None);
}
