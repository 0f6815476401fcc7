using System.Net.Http.Json;
using System.Text.Json;

namespace Crumbs.Benchmarks;

/// <summary>A signed-in user as wrk replays them: the cookies and the CSRF token for unsafe requests.</summary>
public sealed record Session(string Handle, string Cookie, string CsrfToken)
{
    public Dictionary<string, string> ReadHeaders => new() { ["Cookie"] = Cookie };

    public Dictionary<string, string> WriteHeaders => new() { ["Cookie"] = Cookie, ["X-CSRF-TOKEN"] = CsrfToken, ["Content-Type"] = "application/json" };
}

/// <summary>The few API calls the benchmark makes itself: seeding, accounts, sign-in, follows.</summary>
public sealed class CrumbsClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(20) };

    public async Task<JsonElement> SeedAsync(int users, int follows, int posts, int likes)
    {
        using var response = await _http.PostAsync($"/admin/demo/seed?users={users}&follows={follows}&posts={posts}&likes={likes}", null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task CreateAccountAsync(string handle, string password)
    {
        using var response = await _http.PostAsJsonAsync("/api/accounts", new { handle, displayName = handle, password });
        response.EnsureSuccessStatusCode();
    }

    public async Task<Session> SignInAsync(string handle, string password)
    {
        using var signIn = await _http.PostAsJsonAsync("/api/sessions", new { handle, password });
        signIn.EnsureSuccessStatusCode();
        var session = Cookies(signIn);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/antiforgery");
        request.Headers.Add("Cookie", session);
        using var antiforgery = await _http.SendAsync(request);
        antiforgery.EnsureSuccessStatusCode();
        var token = (await antiforgery.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return new Session(handle, $"{session}; {Cookies(antiforgery)}", token);
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

    private static string Cookies(HttpResponseMessage response) => string.Join("; ",
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : []);

    public void Dispose() => _http.Dispose();
}
