using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// Malformed, oversized, Unicode-tricky and injection-shaped requests to every API endpoint and every page, made from
/// tables (routes × payloads). Each gets a 4xx (problem details from the API, a readable page from pages), never a
/// 5xx; each test lists every request that broke the rule. Operator endpoints (/admin, probes) are only probed
/// with requests they must refuse whatever their key rules are.
/// </summary>
public sealed class HostileInputTests(CrumbsApp crumbs, SecurityPeople people) : IClassFixture<SecurityPeople>
{
    private const string NoGuid = "00000000-0000-0000-0000-00000000abcd";

    /// <summary>Every route: method, path (with {post}, {handle}, {guid} filled in), and whether it needs a user.</summary>
    private static readonly (string Method, string Path)[] ApiRoutes =
    [
        ("POST", "/api/accounts"), ("GET", "/api/users/{handle}"), ("GET", "/api/me"), ("PUT", "/api/me/profile"),
        ("PUT", "/api/me/password"), ("PUT", "/api/me/avatar"), ("POST", "/api/sessions"), ("DELETE", "/api/sessions/current"),
        ("DELETE", "/api/sessions"), ("GET", "/api/antiforgery"), ("GET", "/media/{guid}"), ("POST", "/api/posts"),
        ("GET", "/api/posts/{post}"), ("DELETE", "/api/posts/{post}"), ("PUT", "/api/posts/{post}/like"), ("DELETE", "/api/posts/{post}/like"),
        ("PUT", "/api/users/{handle}/follow"), ("DELETE", "/api/users/{handle}/follow"), ("GET", "/api/users/{handle}/followers"),
        ("GET", "/api/users/{handle}/following"), ("GET", "/api/timeline"), ("GET", "/api/users/{handle}/posts"), ("GET", "/api/jobs/{guid}"),
        ("POST", "/api/me/exports"), ("GET", "/api/me/exports"), ("GET", "/api/exports/{guid}/download"), ("GET", "/api/trending"),
        ("GET", "/api/suggestions"), ("GET", "/api/probes/{guid}"), ("POST", "/api/probes"), ("POST", "/admin/demo/seed"),
    ];

    private static readonly (string Method, string Path)[] Pages =
    [
        ("GET", "/"), ("POST", "/"), ("GET", "/users/{handle}"), ("POST", "/users/{handle}"), ("GET", "/users/{handle}/followers"),
        ("GET", "/users/{handle}/following"), ("GET", "/posts/{post}"), ("POST", "/posts/{post}"), ("GET", "/signup"), ("POST", "/signup"),
        ("GET", "/signin"), ("POST", "/signin"), ("GET", "/settings"), ("POST", "/settings"), ("GET", "/exports"), ("POST", "/exports"),
        ("GET", "/trending"), ("GET", "/suggestions"), ("GET", "/signout"), ("POST", "/signout"),
    ];

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO"];

    [Fact]
    public async Task Every_route_refuses_the_methods_it_does_not_support()
    {
        var post = await people.Bob.PostAsync("a post to aim at");
        var probes = new List<Probe>();
        foreach (var (routes, isApi) in new[] { (ApiRoutes, true), (Pages, false) })
        {
            foreach (var group in routes.GroupBy(r => r.Path))
            {
                var path = Fill(group.Key, post.Id);
                foreach (var method in Methods.Except(group.Select(r => r.Method)))
                {
                    // Pages show themselves on GET (and HEAD) whatever handlers they have.
                    if (!isApi && method is "GET" or "HEAD")
                    {
                        continue;
                    }

                    foreach (var who in new[] { null, people.Alice })
                    {
                        probes.Add(new Probe("unsupported method", new HttpMethod(method), path, Json("{}"), As: who, Headers: isApi ? null : PageToken(who)));
                    }
                }
            }
        }

        await AssertAllAnsweredAsync(probes);
    }

    [Fact]
    public async Task Bodies_in_odd_types_charsets_and_shapes_are_refused()
    {
        string[] jsonRoutes = ["/api/accounts", "/api/sessions", "/api/me/profile", "/api/me/password", "/api/posts"];
        var probes = new List<Probe>();
        foreach (var path in jsonRoutes)
        {
            var method = path is "/api/accounts" or "/api/sessions" or "/api/posts" ? HttpMethod.Post : HttpMethod.Put;
            var who = path is "/api/accounts" or "/api/sessions" ? null : people.Alice;
            foreach (var (label, body) in BadBodies())
            {
                probes.Add(new Probe(label, method, path, body, As: who));
            }
        }

        foreach (var (label, body) in BadPictures())
        {
            probes.Add(new Probe(label, HttpMethod.Put, "/api/me/avatar", body, As: people.Alice));
        }

        await AssertAllAnsweredAsync(probes);
    }

    [Fact]
    public async Task Ids_handles_and_paths_that_are_not_one_are_refused()
    {
        string[] postRoutes = ["GET /api/posts/{0}", "DELETE /api/posts/{0}", "PUT /api/posts/{0}/like", "DELETE /api/posts/{0}/like", "GET /posts/{0}"];
        string[] handleRoutes = ["GET /api/users/{0}", "GET /api/users/{0}/followers", "GET /api/users/{0}/following", "GET /api/users/{0}/posts",
            "PUT /api/users/{0}/follow", "DELETE /api/users/{0}/follow", "GET /users/{0}", "GET /users/{0}/followers"];
        string[] guidRoutes = ["GET /api/jobs/{0}", "GET /api/exports/{0}/download", "GET /media/{0}", "GET /api/probes/{0}"];
        var probes = new List<Probe>();
        foreach (var (routes, values) in new[] { (postRoutes, BadIds), (handleRoutes, BadHandles), (guidRoutes, BadIds.Concat(BadGuids).ToArray()) })
        {
            foreach (var route in routes)
            {
                var (method, template) = (route.Split(' ')[0], route.Split(' ')[1]);
                foreach (var value in values)
                {
                    probes.Add(new Probe("not an id", new HttpMethod(method), string.Format(System.Globalization.CultureInfo.InvariantCulture, template, value), As: people.Alice));
                }
            }
        }

        foreach (var path in new[] { "/..%2F..%2Fetc%2Fpasswd", "/api/..%2Fadmin%2Fdemo%2Fseed", "/media/..%2F..%2Fapi%2Fme", "/%2e%2e/%2e%2e/etc/passwd",
                     "/api/users/x/%2e%2e%2f%2e%2e%2fme", "/users/x/%2e%2e", "/posts/1%00.html", "/api/posts/1%2F..%2F2", "/api/users/a%5Cb",
                     "/api/users/" + new string('a', 7000), "/users/" + new string('a', 20_000), "/api/%ff%fe", "/%C0%AE%C0%AE/" })
        {
            probes.Add(new Probe("path", HttpMethod.Get, path, As: people.Alice));
        }

        await AssertAllAnsweredAsync(probes);
    }

    [Fact]
    public async Task Bad_cursors_limits_and_query_strings_are_refused()
    {
        var handle = people.Bob.Handle;
        string[] apiLists = ["/api/timeline", $"/api/users/{handle}/posts", $"/api/users/{handle}/followers", $"/api/users/{handle}/following"];
        string[] pageLists = ["/", $"/users/{handle}", $"/users/{handle}/followers", $"/users/{handle}/following"];
        string[] badQueries =
        [
            "before=abc", "before=-1", "before=0", "before=99999999999999999999", "before=" + new string('9', 5000), "before=%00", "before=1e5",
            "before=0x10", "before=%20%201", "before=1%27%20OR%20%271%27%3D%271", "before=%EF%BC%91", "before=%D9%A1", "before=%FF%FE",
        ];
        string[] badLimits = ["limit=0", "limit=-1", "limit=101", "limit=99999999999", "limit=abc", "limit=1.5", "limit=%00", "limit=1e2"];
        var probes = new List<Probe>();
        foreach (var path in apiLists)
        {
            probes.AddRange(badQueries.Concat(badLimits).Select(q => new Probe("bad cursor", HttpMethod.Get, $"{path}?{q}", As: people.Alice)));
        }

        foreach (var path in pageLists)
        {
            probes.AddRange(badQueries.Select(q => new Probe("bad cursor", HttpMethod.Get, $"{path}?{q}", As: people.Alice)));
        }

        // Odd query strings that are not for the page: served as if absent, or refused, but never a 5xx.
        string[] oddQueries = ["handler=Nope", "handler=" + new string('x', 3000), "returnUrl=%2F%2Fevil.example", "%00=1", "a=%E0%80", "x=" + new string('q', 7000),
            "x=" + new string('q', 20_000), "before=1&before=2", "limit=5&limit=6", "__proto__[x]=1", "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"];
        foreach (var (_, path) in ApiRoutes.Where(r => r.Method == "GET").Concat(Pages.Where(r => r.Method == "GET")))
        {
            probes.AddRange(oddQueries.Select(q => new Probe("odd query", HttpMethod.Get, $"{Fill(path, 1)}?{q}", Expect: Expect.Survived, As: people.Alice)));
        }

        await AssertAllAnsweredAsync(probes);
    }

    [Fact]
    public async Task Page_forms_with_bad_values_encodings_and_tokens_are_refused()
    {
        var bobs = await people.Bob.PostAsync("Bob's post, not Alice's to delete");
        var token = Uri.EscapeDataString(people.AlicePageToken);
        (string Path, string[] Fields)[] forms =
        [
            ("/?handler=Post", ["text"]), ($"/posts/{bobs.Id}?handler=Like", ["like", "returnUrl"]), ($"/posts/{bobs.Id}?handler=Delete", []),
            ($"/users/{people.Bob.Handle}?handler=Follow", ["follow"]), ($"/users/{people.Alice.Handle}?handler=Follow", ["follow"]),
            ("/settings?handler=Profile", ["displayName", "bio"]), ("/settings?handler=Password", ["currentPassword", "newPassword"]),
            ("/settings?handler=Avatar", ["avatar"]), ("/posts/999999999?handler=Like", ["like"]), ("/users/nobody_here_at_all?handler=Follow", ["follow"]),
        ];
        string[] values = ["", "%00", "%01%07", "%20%20%0D", "%E2%80%AE%00", new string('a', 100_000)];
        var probes = new List<Probe>();
        foreach (var (path, fields) in forms)
        {
            foreach (var value in values)
            {
                // Every field gets the value; "like" and "follow" only ever take true or false.
                var body = string.Join('&', fields.Select(f => $"{f}={(f is "like" or "follow" && value.Length == 0 ? "maybe" : value)}").Append($"__RequestVerificationToken={token}"));
                probes.Add(new Probe($"field value {Shorten(value)}", HttpMethod.Post, path, Form(body), As: people.Alice));
            }

            foreach (var (label, body) in BadForms(token))
            {
                // A form in UTF-16, or with bytes that are not UTF-8, is read (as U+FFFD where it must): it may be served.
                var expect = label is "form in UTF-16" or "form with invalid UTF-8" ? Expect.Survived : Expect.Refused;
                probes.Add(new Probe(label, HttpMethod.Post, path, body, expect, people.Alice));
            }

            probes.Add(new Probe("no antiforgery field", HttpMethod.Post, path, Form("text=hi&follow=true&like=true"), As: people.Alice));
            probes.Add(new Probe("forged antiforgery field", HttpMethod.Post, path, Form("text=hi&__RequestVerificationToken=CfDJ8forged"), As: people.Alice));
            probes.Add(new Probe("another person's token", HttpMethod.Post, path, Form($"text=hi&__RequestVerificationToken={token}"), As: people.Bob));
            probes.Add(new Probe("anonymous", HttpMethod.Post, path, Form($"text=hi&__RequestVerificationToken={token}")));
        }

        // Anonymous forms: a few only, since sign-in and sign-up attempts are counted per address.
        foreach (var path in new[] { "/signin", "/signup", "/signout" })
        {
            probes.AddRange(BadForms("x").Select(f => new Probe(f.Label, HttpMethod.Post, path, f.Body)));
        }

        await AssertAllAnsweredAsync(probes);
        using var stillThere = await people.Alice.SendAsync(HttpMethod.Get, $"/api/posts/{bobs.Id}");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task Odd_headers_are_refused_or_ignored_never_a_5xx()
    {
        (string Name, string Value)[] headers =
        [
            ("Cookie", "crumbs.session=garbage"), ("Cookie", "crumbs.session=" + new string('A', 6000)), ("Cookie", "crumbs.session=%00%FF; crumbs.antiforgery=%00"),
            ("X-CSRF-TOKEN", "garbage"), ("X-CSRF-TOKEN", new string('x', 4000)), ("Accept", "*/*;q=abc"), ("Accept", "application/json;charset=utf-7"),
            ("Accept-Charset", "utf-7"), ("Accept-Language", string.Concat(Enumerable.Repeat("xx-", 200))), ("If-None-Match", "\"" + new string('x', 1000)),
            ("If-Modified-Since", "yesterday"), ("Range", "bytes=9999-1"), ("Host", "evil.example"), ("X-Forwarded-For", "not-an-ip, ::::"),
            ("X-Forwarded-Proto", "gopher"), ("X-Forwarded-Host", "evil.example"), ("Authorization", "Bearer x.y.z"), ("Authorization", "Basic %%%"),
            ("Content-Encoding", "gzip"), ("X-HTTP-Method-Override", "DELETE"), ("User-Agent", "<script>alert(1)</script>"), ("Referer", "javascript:alert(1)"),
            // The API's errors are problem details whatever the client accepts (these made a bare 404 a 500).
            ("Accept", "text/html"), ("Accept", "image/png"), ("Accept", "application/xml"),
        ];
        (string Method, string Path, Expect Expect)[] routes =
        [
            ("GET", "/", Expect.Survived), ("GET", "/settings", Expect.Survived), ("GET", "/api/me", Expect.Survived), ("GET", "/api/timeline?limit=1", Expect.Survived),
            ("GET", $"/media/{NoGuid}", Expect.Refused), ("POST", "/api/posts", Expect.Refused), ("PUT", "/api/me/profile", Expect.Refused), ("POST", "/signin", Expect.Refused),
            ("GET", "/api/posts/abc", Expect.Refused), ("GET", "/api/no-such-thing", Expect.Refused), ("GET", "/no-such-page", Expect.Refused),
        ];
        var probes = new List<Probe>();
        foreach (var (method, path, expect) in routes)
        {
            foreach (var header in headers)
            {
                // The unsafe API calls carry a body that is wrong whatever the header does.
                var body = method == "GET" ? null : Json(path == "/signin" ? "x" : "{\"text\":\"\",\"displayName\":\"\"}");
                probes.Add(new Probe($"header {header.Name}", new HttpMethod(method), path, body, expect, people.Alice, [header]));
            }
        }

        await AssertAllAnsweredAsync(probes);
    }

    private async Task AssertAllAnsweredAsync(List<Probe> probes)
    {
        using var sweep = new Sweep(crumbs);
        var failures = await sweep.RunAsync(probes);
        TestContext.Current.TestOutputHelper?.WriteLine($"{probes.Count} hostile requests, {failures.Count} answered wrongly");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {probes.Count} hostile requests were answered wrongly:\n{string.Join('\n', failures)}");
    }

    private string Fill(string path, long post) => path
        .Replace("{handle}", people.Bob.Handle, StringComparison.Ordinal)
        .Replace("{post}", post.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{guid}", NoGuid, StringComparison.Ordinal);

    private (string, string)[]? PageToken(UserSession? who) => who is null ? null : [("X-CSRF-TOKEN", people.AlicePageToken)];

    private static readonly string[] BadIds =
    [
        "-1", "0", "99999999999999999999", "-9223372036854775809", "1.5", "1e3", "0x10", "abc", "%00", "%FF", "%C0%AE", "%E2%80%AE1",
        "1%27%20OR%201%3D1--", "1%3BDROP%20TABLE%20users", "%7B%7B7*7%7D%7D", "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D", new string('9', 5000), "%EF%BC%91",
    ];

    private static readonly string[] BadHandles =
    [
        "a", "nobody_here_at_all", "%C4%B0", "%C4%B0kkjxxrm", "%EF%BC%A1dmin", "admin%E2%80%AE", "%00", "%FF%FE", "%ED%A0%80", "%3Cscript%3E",
        "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "x%27%20OR%20%271%27%3D%271", "%2E%2E%2F%2E%2E%2Fapi", new string('h', 3000),
        "%F0%9F%92%A9", "a%20b",
    ];

    private static readonly string[] BadGuids = ["00000000-0000-0000-0000-000000000000", "{" + NoGuid + "}", NoGuid + "0", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"];

    /// <summary>Request bodies that no JSON endpoint may accept: each is wrong in its type, charset, syntax or values.</summary>
    private static IEnumerable<(string Label, Func<HttpContent> Body)> BadBodies()
    {
        const string wrong = """{"handle":"","displayName":"","password":"","text":"","bio":"","currentPassword":"","newPassword":""}""";
        yield return ("charset=utf-7", () => Text(wrong, "application/json; charset=utf-7"));
        yield return ("charset=\"utf-7\"", () => Text(wrong, "application/json; charset=\"UTF-7\""));
        yield return ("charset=bogus", () => Text(wrong, "application/json; charset=bogus"));
        yield return ("charset=utf-32 on UTF-8 bytes", () => Text(wrong, "application/json; charset=utf-32"));
        yield return ("charset=utf-16 on UTF-8 bytes", () => Text(wrong, "application/json; charset=utf-16"));
        yield return ("UTF-16 body", () => Bytes(Encoding.Unicode.GetBytes(wrong), "application/json; charset=utf-16"));
        yield return ("charset=iso-8859-1", () => Bytes(Encoding.Latin1.GetBytes(wrong.Replace("{", "{\"x\":\"\u00e9\u00ff\",", StringComparison.Ordinal)), "application/json; charset=iso-8859-1"));
        yield return ("charset= empty", () => Text(wrong, "application/json; charset="));
        yield return ("malformed content type", () => Text(wrong, "application/json;;;=;"));
        yield return ("huge content type parameter", () => Text(wrong, "application/json; x=" + new string('a', 4000)));
        yield return ("text/plain", () => Text(wrong, "text/plain"));
        yield return ("application/xml", () => Text("<a>&xxe;</a>", "application/xml"));
        yield return ("json-patch", () => Text("[]", "application/json-patch+json"));
        yield return ("form", () => Text("handle=&text=", "application/x-www-form-urlencoded"));
        yield return ("multipart junk", () => Text("--x\r\ngarbage", "multipart/form-data; boundary=x"));
        yield return ("no content type", () => Bytes(Encoding.UTF8.GetBytes(wrong), null));
        yield return ("invalid UTF-8", () => Bytes([.. "{\"text\":\""u8, 0xFF, 0xFE, 0xC0, 0xAE, .. "\",\"handle\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], "application/json"));
        yield return ("truncated", () => Text("{\"text\": \"ab", "application/json"));
        yield return ("empty", () => Text("", "application/json"));
        yield return ("array", () => Text("[1,2,3]", "application/json"));
        yield return ("null", () => Text("null", "application/json"));
        yield return ("string", () => Text("\"<script>\"", "application/json"));
        yield return ("wrong types", () => Text("""{"handle":1,"displayName":true,"password":[],"text":{},"bio":1.5,"currentPassword":false,"newPassword":2}""", "application/json"));
        yield return ("huge number", () => Text("""{"text":1e400,"handle":99999999999999999999999999999,"displayName":-1e308}""", "application/json"));
        yield return ("deep nesting", () => Text(new string('[', 5000) + new string(']', 5000), "application/json"));
        yield return ("comments", () => Text("/* hi */ " + wrong, "application/json"));
        yield return ("NUL in strings", () => Text("""{"handle":"\u0000abc","displayName":"\u0000","password":"\u0000aaaaaaaaaaaa","text":"\u0000","bio":"\u0000","currentPassword":"\u0000","newPassword":"\u0000"}""", "application/json"));
        yield return ("lone surrogates", () => Text("""{"handle":"\ud800abc","displayName":"\udfff","password":"\ud800aaaaaaaaaaaa","text":"\ud800","bio":"\udc00","currentPassword":"\ud800","newPassword":"\ud800xxxxxxxxxxx"}""", "application/json"));
        yield return ("controls and direction marks", () => Text("""{"handle":"\u0130_ADMIN\u202e","displayName":"\u202e\u0007","password":"x","text":"\u0007\u001b[31m","bio":"\u0008","currentPassword":"x","newPassword":"x"}""", "application/json"));
        yield return ("oversized strings", () => Text($$"""{"handle":"{{new string('h', 100_000)}}","displayName":"{{new string('d', 100_000)}}","password":"x","text":"{{new string('t', 100_000)}}","bio":"{{new string('b', 100_000)}}","currentPassword":"x","newPassword":"x"}""", "application/json"));
        yield return ("over 3 MB", () => Text($$"""{"text":"{{new string('t', 3_200_000)}}"}""", "application/json"));
    }

    private static IEnumerable<(string Label, Func<HttpContent> Body)> BadPictures()
    {
        var png = TestImages.Png(8, 8);
        yield return ("picture as text/plain", () => Bytes(png, "text/plain"));
        yield return ("picture in a charset", () => Bytes(png, "image/png; charset=utf-7"));
        yield return ("picture in a bogus charset", () => Bytes(png, "image/png; charset=bogus"));
        yield return ("script as a PNG", () => Bytes("<script>alert(1)</script>"u8.ToArray(), "image/png"));
        yield return ("SVG", () => Bytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"u8.ToArray(), "image/svg+xml"));
        yield return ("empty PNG", () => Bytes([], "image/png"));
        yield return ("GIF", () => Bytes("GIF89a\u0001\0\u0001\0\0\0\0;"u8.ToArray(), "image/gif"));
        yield return ("picture as JSON", () => Bytes(png, "application/json"));
        yield return ("picture as a form", () => Bytes(png, "multipart/form-data; boundary=x"));
        yield return ("over 2 MB", () => Bytes(new byte[2_200_000], "image/png"));
        yield return ("no content type", () => Bytes(png, null));
    }

    /// <summary>Form bodies wrong in their encoding or shape (the token is there, so only the body is wrong).</summary>
    private static IEnumerable<(string Label, Func<HttpContent> Body)> BadForms(string token)
    {
        var field = $"__RequestVerificationToken={token}";
        yield return ("form charset=utf-7", () => Text($"text=%2BADw-script%2BAD4-&{field}", "application/x-www-form-urlencoded; charset=utf-7"));
        yield return ("form charset=bogus", () => Text($"text=&{field}", "application/x-www-form-urlencoded; charset=bogus"));
        yield return ("form in UTF-16", () => Bytes(Encoding.Unicode.GetBytes($"text=&{field}"), "application/x-www-form-urlencoded; charset=utf-16"));
        yield return ("form with invalid UTF-8", () => Bytes([.. "text="u8, 0xFF, 0xC0, 0xAE, .. Encoding.ASCII.GetBytes($"&{field}")], "application/x-www-form-urlencoded"));
        yield return ("2,000 fields", () => Text(string.Concat(Enumerable.Range(0, 2000).Select(i => $"k{i}=v&")) + field, "application/x-www-form-urlencoded"));
        yield return ("a 5,000-character key", () => Text(new string('k', 5000) + $"=v&{field}", "application/x-www-form-urlencoded"));
        yield return ("multipart junk", () => Text("--zz\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nunterminated", "multipart/form-data; boundary=zz"));
        yield return ("multipart without boundary", () => Text("--zz--", "multipart/form-data"));
        yield return ("multipart boundary of 200", () => Text("--" + new string('b', 200) + "--", "multipart/form-data; boundary=" + new string('b', 200)));
        yield return ("JSON to a form", () => Text("{\"text\":\"\"}", "application/json"));
        yield return ("text/plain to a form", () => Text($"text=&{field}", "text/plain"));
    }

    private static Func<HttpContent> Form(string body) => () => Text(body, "application/x-www-form-urlencoded");

    private static StringContent Text(string body, string contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static ByteArrayContent Bytes(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return content;
    }

    private static string Shorten(string value) => value.Length > 20 ? $"{value.Length} chars" : value;

    private static Func<HttpContent> Json(string body) => () => Text(body, "application/json");
}
