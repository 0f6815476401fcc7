using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>What a hostile request must get: any 4xx (it is wrong for that route), or just no 5xx (it may be served).</summary>
public enum Expect { Refused, Survived }

/// <summary>One hostile request: who sends it (null: nobody is signed in), and what it is.</summary>
public sealed record Probe(string Label, HttpMethod Method, string Path, Func<HttpContent>? Body = null,
    Expect Expect = Expect.Refused, UserSession? As = null, (string Name, string Value)[]? Headers = null, bool Csrf = true);

/// <summary>Two people made once for a test class: Alice (the owner of what is probed) and Bob (someone else).</summary>
public sealed class SecurityPeople(CrumbsApp crumbs) : IAsyncLifetime
{
    /// <summary>Long and uncommon, as the password rules want.</summary>
    public const string Password = "correct horse battery staple 7f3a";

    public UserSession Alice { get; private set; } = null!;
    public UserSession Bob { get; private set; } = null!;

    /// <summary>The antiforgery field of Alice's pages (the token her cookie pairs with).</summary>
    public string AlicePageToken { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Alice = await SignUpAsync(crumbs, "Alice");
        Bob = await SignUpAsync(crumbs, "Bob");
        AlicePageToken = await PageForms.AntiforgeryFieldAsync(Alice, "/settings");
    }

    public static async Task<UserSession> SignUpAsync(CrumbsApp crumbs, string displayName)
    {
        var session = new UserSession(crumbs, $"s{Guid.NewGuid():N}"[..16], Password);
        using var created = await session.SendAsync(HttpMethod.Post, "/api/accounts",
            new { handle = session.Handle, displayName, password = Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await session.SignInAsync();
        return session;
    }

    public ValueTask DisposeAsync()
    {
        Alice?.Dispose();
        Bob?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Sends many probes over a few kept-alive connections to one web replica (clones do not matter here, speed does)
/// and names every probe whose answer broke the rules, so one assertion lists them all.
/// </summary>
public sealed class Sweep(CrumbsApp crumbs) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseCookies = false,               // each probe sends the cookies of whoever it is sent as
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 4,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        BaseAddress = crumbs.Replicas.Of("web")[0].Address ?? crumbs.WebAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<IReadOnlyList<string>> RunAsync(IEnumerable<Probe> probes)
    {
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(probes, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken },
            async (probe, ct) =>
            {
                if (await CheckAsync(probe, ct) is { } failure)
                {
                    failures.Add($"{probe.Method} {Shorten(probe.Path)} [{probe.Label}{(probe.As is null ? "" : $", as {probe.As.Handle}")}]: {failure}");
                }
            });
        return failures.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Null when the answer is right; otherwise what was wrong with it.</summary>
    private async Task<string?> CheckAsync(Probe probe, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(probe.Method, new Uri(probe.Path, UriKind.Relative)) { Content = probe.Body?.Invoke() };
        // A body over the limit is refused before it is read; without waiting for 100 Continue, the refusal can
        // reach the client while it is still sending, and it sees a broken connection instead of the 413.
        request.Headers.ExpectContinue = request.Content?.Headers.ContentLength > 1_000_000 ? true : null;
        if (probe.As is { } session)
        {
            request.Headers.TryAddWithoutValidation("Cookie", session.Cookies.GetCookieHeader(crumbs.WebAddress));
            // Pages carry their own token (a form field, or the header in the probe); the API gets the session's.
            if (probe.Csrf && IsApi(probe.Path) && session.CsrfToken is { } token && probe.Method != HttpMethod.Get && probe.Method != HttpMethod.Head)
            {
                request.Headers.TryAddWithoutValidation("X-CSRF-TOKEN", token);
            }
        }

        foreach (var (name, value) in probe.Headers ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            return $"no answer ({e.Message})";
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(ct);
            if (status >= 500)
            {
                return $"{status} {Shorten(body)}";
            }

            // A page answers someone who is not signed in by sending them to sign in: its way of saying 401.
            var toSignIn = status is 302 or 303 && !IsApi(probe.Path) && response.Headers.Location is { } to
                && (to.IsAbsoluteUri ? to.AbsolutePath : to.OriginalString).StartsWith("/signin", StringComparison.Ordinal);
            if (probe.Expect == Expect.Refused && status < 400 && !toSignIn)
            {
                return $"{status}, where a 4xx was due";
            }

            // Kestrel refuses some requests (a NUL in the path, a URL too long) before the app sees them: no body.
            var reachedApp = response.Headers.Contains("X-Served-By");
            if (status < 400 || probe.Method == HttpMethod.Head || !reachedApp)
            {
                return null;
            }

            return IsApi(probe.Path) ? ProblemFault(response, body, status) : PageFault(response, body);
        }
    }

    private static bool IsApi(string path) => path.StartsWith("/api", StringComparison.Ordinal) || path.StartsWith("/media", StringComparison.Ordinal);

    private static string? ProblemFault(HttpResponseMessage response, string body, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not problem details";
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("status", out var s) && s.GetInt32() == status ? null : $"{status} with a problem of another status";
        }
        catch (JsonException)
        {
            return $"{status} with a problem body that is not JSON";
        }
    }

    private static string? PageFault(HttpResponseMessage response, string body) =>
        response.Content.Headers.ContentType?.MediaType == "text/html" && body.Contains("<h1", StringComparison.Ordinal)
            ? null
            : $"{(int)response.StatusCode} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not a readable page";

    private static string Shorten(string text) => text.Length <= 120 ? text : $"{text[..100]}…({text.Length} chars)";

    public void Dispose() => _client.Dispose();
}
