using System.Net;
using System.Text.RegularExpressions;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Posts;

/// <summary>
/// Lesson 2: with nothing cached, the hot reads run no JOIN and at most 3 statements, seen from every statement the
/// app ran. (With everything cached they run none: see ObjectCacheTests.)
/// </summary>
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

        // Wait for the fan-out in the database, not through the API: these reads must find nothing cached.
        await using var db = await crumbs.OpenDatabaseAsync();
        await Eventually.GetAsync(async () =>
        {
            await using var count = new Npgsql.NpgsqlCommand(
                "select count(*) from timeline_entries where user_id = (select id from users where handle = @handle)", db);
            count.Parameters.AddWithValue("handle", reader.Handle);
            return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))! == 3 ? "fanned out" : null;
        }, TimeSpan.FromSeconds(30), "the fan-out");

        foreach (var path in new[] { $"/api/posts/{posts[0].Id}", $"/api/users/{author.Handle}", $"/api/users/{author.Handle}/posts", "/api/timeline" })
        {
            var (response, statements) = await reader.WithSqlAsync(path);
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(statements.Count > 0, $"{path} ran no SQL: it was cached already");   // the capture sees the reads
                Assert.True(statements.Count <= 3, $"{path} ran {statements.Count} statements:\n{string.Join("\n", statements)}");
                Assert.DoesNotContain(statements, sql => Join().IsMatch(sql));
            }
        }
    }

    [GeneratedRegex(@"\bjoin\b", RegexOptions.IgnoreCase)]
    private static partial Regex Join();
}
