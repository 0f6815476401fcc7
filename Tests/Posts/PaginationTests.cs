using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>Keyset cursors: every post exactly once across pages, while new posts keep arriving.</summary>
public sealed class PaginationTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Paging_through_a_timeline_returns_every_post_once_while_new_posts_arrive()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        var written = new List<long>();
        for (var i = 0; i < 25; i++)
        {
            written.Add((await author.PostAsync($"page me {i}")).Id);
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await author.TimelineAsync(cursor, limit: 7);
            seen.AddRange(page.Items.Select(p => p.Id));
            cursor = page.Next;
            await author.PostAsync($"arrived while paging {pages++}");                 // new posts land above the cursor
            var byAuthor = await author.GetAsync<PageDto<PostDto>>($"/api/users/{author.Handle}/posts?limit=3");
            Assert.Equal(3, byAuthor.Items.Count);
        }
        while (cursor is not null);

        Assert.Equal(seen.Distinct().Count(), seen.Count);                             // none twice
        Assert.Equal(written.OrderDescending(), seen);                                 // all, newest first
    }
}
