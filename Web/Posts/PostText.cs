using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace Crumbs.Web.Posts;

/// <summary>
/// A post's text as HTML: everything encoded, line breaks kept, and http(s) links made clickable. The link's
/// address and label are encoded too, and links carry rel="nofollow noopener ugc": text never becomes markup.
/// </summary>
public static partial class PostText
{
    public static IHtmlContent Render(string text)
    {
        var html = new HtmlContentBuilder();
        var at = 0;
        foreach (Match link in Link().Matches(text))
        {
            var url = link.Value.TrimEnd('.', ',', ')', '!', '?', ';', ':', '"', '\'');
            Append(html, text[at..link.Index]);
            var encoded = HtmlEncoder.Default.Encode(url);
            html.AppendHtml($"<a href=\"{encoded}\" rel=\"nofollow noopener noreferrer ugc\">{encoded}</a>");
            at = link.Index + url.Length;
        }

        Append(html, text[at..]);
        return html;
    }

    private static void Append(HtmlContentBuilder html, string plain)
    {
        var lines = plain.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                html.AppendHtml("<br>");
            }

            html.Append(lines[i]);
        }
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex Link();
}
