using System.Net;
using System.Text.RegularExpressions;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>Every answer carries the security headers: pages, API, errors, static files, pictures, probes.</summary>
public sealed partial class SecurityHeadersTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Every_kind_of_answer_carries_the_headers()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        using var anonymous = new UserSession(crumbs, "x", "x");
        var requests = new (UserSession Who, HttpMethod Method, string Path)[]
        {
            (anonymous, HttpMethod.Get, "/"), (anonymous, HttpMethod.Get, "/signin"), (anonymous, HttpMethod.Get, "/signup"),
            (anonymous, HttpMethod.Get, "/trending"), (anonymous, HttpMethod.Get, $"/users/{alice.Handle}"),
            (anonymous, HttpMethod.Get, "/settings"), (anonymous, HttpMethod.Get, "/no/such/page"),
            (anonymous, HttpMethod.Get, "/css/site.css"), (anonymous, HttpMethod.Get, "/health"),
            (anonymous, HttpMethod.Get, $"/media/{Guid.NewGuid():N}"), (anonymous, HttpMethod.Get, "/api/trending"),
            (anonymous, HttpMethod.Get, "/api/me"), (anonymous, HttpMethod.Post, "/api/accounts"),
            (alice, HttpMethod.Get, "/"), (alice, HttpMethod.Get, "/settings"), (alice, HttpMethod.Get, "/api/me"),
            (alice, HttpMethod.Get, $"/users/{alice.Handle}"), (alice, HttpMethod.Delete, "/api/posts/999999999"),
        };

        foreach (var (who, method, path) in requests)
        {
            using var response = await who.SendAsync(method, path);
            AssertHeaders(response, $"{method} {path} ({(int)response.StatusCode})");
        }
    }

    [Fact]
    public async Task The_policy_allows_no_inline_script_and_no_framing()
    {
        using var anonymous = new UserSession(crumbs, "x", "x");
        using var response = await anonymous.SendAsync(HttpMethod.Get, "/signin");
        var policy = Directives(response);

        Assert.Equal("'self'", policy["script-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.Equal("'none'", policy["object-src"]);
        Assert.Equal("'self'", policy["form-action"]);
        Assert.Equal("'self'", policy["base-uri"]);
        Assert.DoesNotContain("'unsafe-inline'", policy["style-src"], StringComparison.Ordinal);

    }

    [Fact]
    public async Task The_pages_hold_nothing_the_policy_would_block()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var post = await alice.PostAsync("A post to show at home and on the profile");
        foreach (var path in new[] { "/", "/signin", "/signup", "/trending", "/suggestions", "/settings", "/exports",
                     $"/users/{alice.Handle}", $"/users/{alice.Handle}/followers", $"/posts/{post.Id}", "/no/such/page" })
        {
            using var response = await alice.SendAsync(HttpMethod.Get, path);
            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(html.Contains("<html", StringComparison.OrdinalIgnoreCase), $"{path}: {(int)response.StatusCode} is not a page");
            Assert.DoesNotMatch(InlineCode(), html);   // no inline script, no event attribute, no style attribute or element
        }
    }

    /// <summary>The test app runs in Development, where the API reference is on; elsewhere it is off unless configured.</summary>
    [Fact]
    public async Task In_development_the_api_reference_is_served_under_a_nonce_policy_with_nothing_from_a_cdn()
    {
        using var anonymous = new UserSession(crumbs, "x", "x");
        using var document = await anonymous.SendAsync(HttpMethod.Get, "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        AssertHeaders(document, "/openapi/v1.json");

        using var scalar = await anonymous.SendAsync(HttpMethod.Get, "/scalar/");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        var policy = Directives(scalar);
        var nonce = Assert.Single(ScriptSources(policy["script-src"]), s => s.StartsWith("'nonce-", StringComparison.Ordinal))[7..^1];
        Assert.DoesNotContain("'unsafe-inline'", policy["script-src"], StringComparison.Ordinal);
        Assert.Equal("'none'", policy["frame-ancestors"]);

        var html = await scalar.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.All(ScriptTag().Matches(html), tag => Assert.Contains($"nonce=\"{nonce}\"", tag.Value, StringComparison.Ordinal));
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        using var again = await anonymous.SendAsync(HttpMethod.Get, "/scalar/");
        Assert.DoesNotContain(nonce, Directives(again)["script-src"], StringComparison.Ordinal);   // a fresh one each time
    }

    private static void AssertHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out _), $"{what}: no Content-Security-Policy");
        var policy = Directives(response);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.DoesNotContain("'unsafe-inline'", policy["script-src"], StringComparison.Ordinal);
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{what}: HSTS over plain HTTP");
    }

    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        Header(response, "Content-Security-Policy")!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2)).ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;

    private static string[] ScriptSources(string directive) => directive.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // Attributes count only inside a tag: text shown as text (&lt;img onerror=…&gt;, stored by other tests) has no raw < or >.
    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>\s*\S|<[a-z][^>]*\son[a-z]+\s*=|<[a-z][^>]*\sstyle\s*=|<style", RegexOptions.IgnoreCase)]
    private static partial Regex InlineCode();

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}
