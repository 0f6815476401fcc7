using System.Net;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>A picture over the pixel budget is refused by the web at once: no job, no upload row, no worker.</summary>
public sealed class ImageBombTests(CrumbsApp crumbs)
{
    private static readonly byte[] Bomb = TestImages.BlankPng(8000, 8000);   // 62 KB, 64 megapixels

    [Fact]
    public async Task The_api_refuses_a_decompression_bomb_with_400_and_queues_nothing()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var response = await alice.SendAsync(HttpMethod.Put, "/api/me/avatar", content: BadInputTests.Image(Bomb, "image/png"));

        var problem = await BadInputTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("8000×8000 pixels", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0L, await JobsAndUploadsOfAsync(alice));
    }

    [Fact]
    public async Task The_settings_page_refuses_it_in_words()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var token = await PageForms.AntiforgeryFieldAsync(alice, "/settings");
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        form.Add(BadInputTests.Image(Bomb, "image/png"), "avatar", "bomb.png");
        using var response = await alice.SendAsync(HttpMethod.Post, "/settings?handler=Avatar", content: form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("8000×8000 pixels", html, StringComparison.Ordinal);
        Assert.Equal(0L, await JobsAndUploadsOfAsync(alice));
    }

    private async Task<long> JobsAndUploadsOfAsync(UserSession user) => await new Database(crumbs).ScalarAsync<long>(
        """
        select (select count(*) from jobs where owner_id = u.id) + (select count(*) from avatar_uploads where owner_id = u.id)
        from users u where handle = @handle
        """, ("handle", user.Handle));
}
