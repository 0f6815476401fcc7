using System.Net;
using System.Text.RegularExpressions;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>Lesson 2: the hot reads run no JOIN and at most 3 statements, seen from every statement the app ran.</summary>
public sealed partial class HotReadTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Timeline_user_posts_post_and_profile_reads_use_no_join_and_at_most_three_statements()
    {
        using var author = await UserSession.SignUpAsync(crumbs);
        using var reader = await UserSession.SignUpAsync(crumbs);
        await reader.FollowAsync(author.Handle);
        var posts = new List<PostDto>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add(await author.PostAsync($"hot read {i}"));
        }

        await reader.TimelineEventuallyAsync(p => p.Items.Count(i => i.Author.Handle == author.Handle) == 3, "the fan-out");

        foreach (var path in new[] { "/api/timeline", $"/api/users/{author.Handle}/posts", $"/api/posts/{posts[0].Id}", $"/api/users/{author.Handle}" })
        {
            var (response, statements) = await reader.WithSqlAsync(path);
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.NotEmpty(statements);                                 // the capture sees the reads
                Assert.True(statements.Count <= 3, $"{path} ran {statements.Count} statements:\n{string.Join("\n", statements)}");
                Assert.DoesNotContain(statements, sql => Join().IsMatch(sql));
            }
        }
    }

    [GeneratedRegex(@"\bjoin\b", RegexOptions.IgnoreCase)]
    private static partial Regex Join();
}
