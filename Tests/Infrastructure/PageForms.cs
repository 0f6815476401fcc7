using System.Net;
using System.Text.RegularExpressions;

namespace Crumbs.Tests.Infrastructure;

/// <summary>Reads what a server-rendered form needs from its page: the antiforgery field.</summary>
public static partial class PageForms
{
    public static async Task<string> AntiforgeryFieldAsync(UserSession session, string page)
    {
        using var response = await session.SendAsync(HttpMethod.Get, page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
