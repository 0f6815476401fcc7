using System.Net.Http.Json;
using System.Text.Json;

namespace Crumbs.Benchmarks;

/// <summary>A signed-in user as wrk replays them: the cookies and the CSRF token for unsafe requests.</summary>
public sealed record Session(string Handle, string Cookie, string CsrfToken)
{
    public Dictionary<string, string> ReadHeaders => new() { ["Cookie"] = Cookie };

    public Dictionary<string, string> WriteHeaders => new() { ["Cookie"] = Cookie, ["X-CSRF-TOKEN"] = CsrfToken, ["Content-Type"] = "application/json" };
}

/// <summary>The few API calls the benchmark makes itself: seeding (with the run's operator key), accounts, sign-in, follows.</summary>
public sealed class CrumbsClient(Uri baseAddress, string adminKey) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(40) };

    public async Task<JsonElement> SeedAsync(int users, int follows, int posts, int likes, double active = 1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/demo/seed?users={users}&follows={follows}&posts={posts}&likes={likes}&active={active.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        request.Headers.Add("X-Crumbs-Admin-Key", adminKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The seed's steps and their seconds, as "users 1.2 s, follows 8.0 s, ...".</summary>
    public static string Steps(JsonElement seeded) => seeded.TryGetProperty("steps", out var steps)
        ? string.Join(", ", steps.EnumerateObject().Select(s => $"{s.Name} {s.Value.GetDouble():0.0} s"))
        : "";

    public async Task CreateAccountAsync(string handle, string password)
    {
        using var response = await _http.PostAsJsonAsync("/api/accounts", new { handle, displayName = handle, password });
        response.EnsureSuccessStatusCode();
    }

    public async Task<Session> SignInAsync(string handle, string password)
    {
        using var signIn = await PostSignInAsync(handle, password);
        signIn.EnsureSuccessStatusCode();
        var session = Cookies(signIn);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/antiforgery");
        request.Headers.Add("Cookie", session);
        using var antiforgery = await _http.SendAsync(request);
        antiforgery.EnsureSuccessStatusCode();
        var token = (await antiforgery.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return new Session(handle, $"{session}; {Cookies(antiforgery)}", token);
    }

    /// <summary>
    /// A sign-in, asked again after its Retry-After while the app answers 503: password hashing is CPU work, and a
    /// replica that several sign-ins reach at once right after a seed can time out on Redis meanwhile.
    /// </summary>
    private async Task<HttpResponseMessage> PostSignInAsync(string handle, string password)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await _http.PostAsJsonAsync("/api/sessions", new { handle, password });
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait < TimeSpan.FromSeconds(5) ? wait : TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>A session cookie for a seeded user from the bench-only endpoint (no password hash, no sign-in limit).</summary>
    public async Task<string> StartSessionAsync(long userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/bench/sessions?user={userId}");
        request.Headers.Add("X-Crumbs-Admin-Key", adminKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return Cookies(response).Split("; ").Single(c => c.StartsWith("crumbs.session=", StringComparison.Ordinal));
    }

    /// <summary>
    /// Asks a worker for a bake now (its operator endpoint) and waits for it: the seconds it took, or null if it had not
    /// finished within the endpoint's minute. The next scheduled bake comes one interval after this one's start.
    /// </summary>
    public async Task<double?> BakeNowAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/bakes");
        request.Headers.Add("X-Crumbs-Admin-Key", adminKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            return null;
        }

        var run = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (run.GetProperty("endedAt").GetDateTime() - run.GetProperty("startedAt").GetDateTime()).TotalSeconds;
    }

    /// <summary>The replica's managed heap in MiB after a full compacting collection (bench endpoint, operator key).</summary>
    public async Task<double> ManagedHeapMiBAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/bench/memory");
        request.Headers.Add("X-Crumbs-Admin-Key", adminKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("managedBytes").GetInt64() / 1024.0 / 1024.0;
    }

    public async Task FollowAsync(Session who, string handle)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{handle}/follow");
        foreach (var (name, value) in who.WriteHeaders.Where(h => h.Key != "Content-Type"))
        {
            request.Headers.Add(name, value);
        }

        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Posts at a fixed rate whatever the latency (open loop: the n-th post starts at n / rate seconds), round-robin
    /// over the authors. wrk can only pace after each response, which lets the rate sag as latency grows.
    /// </summary>
    public async Task<(int Sent, int Failed, double Seconds)> PostAtRateAsync(IReadOnlyList<Session> authors, double perSecond, TimeSpan duration, string body)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var posts = new List<Task<bool>>();
        for (var n = 0; clock.Elapsed < duration; n++)
        {
            var due = TimeSpan.FromSeconds(n / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            posts.Add(PostAsync(authors[n % authors.Count], body));
        }

        var sent = clock.Elapsed.TotalSeconds;
        var ok = await Task.WhenAll(posts);
        return (ok.Length, ok.Count(x => !x), sent);
    }

    private async Task<bool> PostAsync(Session who, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Cookie", who.Cookie);
        request.Headers.Add("X-CSRF-TOKEN", who.CsrfToken);
        try
        {
            using var response = await _http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task<bool> OkAsync(string path, Session? who = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (who is not null)
        {
            request.Headers.Add("Cookie", who.Cookie);
        }

        using var response = await _http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    // crumbs.fresh lives two seconds in a browser (Web/Hosting/FreshReads.cs): replayed for minutes it would make every
    // request of the run read past the clone-local copies, as only a writer's next reads do.
    private static string Cookies(HttpResponseMessage response) => string.Join("; ",
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).Where(c => !c.StartsWith("crumbs.fresh=", StringComparison.Ordinal))
            : []);

    public void Dispose() => _http.Dispose();
}
