using System.Net;
using System.Net.Http.Json;

namespace Crumbs.Tests.Infrastructure;

/// <summary>
/// A person using Crumbs from one browser: a cookie jar, an antiforgery token, and requests that go either through
/// the AppHost's endpoint (any replica) or straight to one replica.
/// </summary>
public sealed class UserSession(CrumbsApp crumbs, string handle, string password) : IDisposable
{
    public const string Password = "correct horse battery";

    private readonly List<HttpClient> _clients = [];

    public string Handle { get; } = handle;

    public CookieContainer Cookies { get; } = new();

    public string? CsrfToken { get; private set; }

    /// <summary>Signs up a new user with a unique handle and signs in.</summary>
    public static async Task<UserSession> SignUpAsync(CrumbsApp crumbs, string? displayName = null)
    {
        var handle = $"u{Guid.NewGuid():N}"[..16];
        var session = new UserSession(crumbs, handle, Password);
        using var created = await session.SendAsync(HttpMethod.Post, "/api/accounts",
            new { handle, displayName = displayName ?? $"User {handle}", password = Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await session.SignInAsync();
        return session;
    }

    /// <summary>Another browser of the same person: same account, its own cookies.</summary>
    public async Task<UserSession> SignInElsewhereAsync(Uri? replica = null)
    {
        var other = new UserSession(crumbs, Handle, password);
        await other.SignInAsync(replica);
        return other;
    }

    public async Task SignInAsync(Uri? replica = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/sessions", new { handle = Handle, password }, replica);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RefreshCsrfAsync(replica);
    }

    public async Task RefreshCsrfAsync(Uri? replica = null)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/antiforgery", replica: replica);
        response.EnsureSuccessStatusCode();
        CsrfToken = (await response.Content.ReadFromJsonAsync<Csrf>(TestContext.Current.CancellationToken))!.Token;
    }

    /// <summary>Sends a request on a new connection, with the cookies and (for unsafe methods) the antiforgery token.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? json = null, Uri? replica = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(replica ?? crumbs.WebAddress, path))
        {
            Content = content ?? (json is null ? null : JsonContent.Create(json)),
        };
        request.Headers.ConnectionClose = true;
        if (CsrfToken is not null && method != HttpMethod.Get)
        {
            request.Headers.Add("X-CSRF-TOKEN", CsrfToken);
        }

        return await Client().SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends a prepared request (relative URI) through the AppHost's endpoint on a new connection, with the cookies.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        request.RequestUri = new Uri(crumbs.WebAddress, request.RequestUri!);
        request.Headers.ConnectionClose = true;
        return await Client().SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<T> GetAsync<T>(string path, Uri? replica = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, replica: replica);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>
    /// Drops the short-lived cookie a successful write answers with (Web/Hosting/FreshReads.cs), as the browser does
    /// after two seconds: from now on this person reads what other readers read, clone-local copies included.
    /// </summary>
    public void ForgetFreshReads()
    {
        foreach (var cookie in Cookies.GetAllCookies().Where(c => c.Name == "crumbs.fresh"))
        {
            cookie.Expired = true;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private HttpClient Client()
    {
        if (_clients.Count == 0)
        {
            _clients.Add(new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
            {
                Timeout = TimeSpan.FromSeconds(30),
            });
        }

        return _clients[0];
    }

    private sealed record Csrf(string Token, string HeaderName);
}

/// <summary>The profile as GET /api/me and /api/users/{handle} return it (avatarProcessing only on /api/me).</summary>
public sealed record ProfileDto(string Handle, string DisplayName, string Bio, string? AvatarUrl, string? AvatarSmallUrl,
    int FollowerCount, int FollowingCount, int PostCount, DateTime CreatedAt, bool? AvatarProcessing = null);
