using System.Net;
using System.Text.Json.Nodes;
using Crumbs.Tests.Api.Client;
using Crumbs.Tests.Api.Client.Models;
using Crumbs.Tests.Infrastructure;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Crumbs.Tests.Api;

/// <summary>The API description is usable: a client generated from it (Tests/Api/Client, by Kiota) drives the app.</summary>
public sealed class OpenApiClientTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task The_client_was_generated_from_the_document_the_app_serves()
    {
        var served = await ServedDocument.FetchAsync(crumbs);
        var checkedIn = await File.ReadAllTextAsync(ServedDocument.CheckedInPath, TestContext.Current.CancellationToken);
        if (!JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(checkedIn)))
        {
            var file = Path.Combine(Path.GetTempPath(), $"crumbs-openapi-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(file, served, TestContext.Current.CancellationToken);
            Assert.Fail($"The app's /openapi/v1.json (saved as {file}) differs from Tests/Api/openapi.json: the API changed. " +
                $"Regenerate the client: Tests/Api/generate-client.sh {file}");
        }
    }

    [Fact]
    public async Task Operator_endpoints_stay_out_of_the_document()
    {
        var paths = JsonNode.Parse(await ServedDocument.FetchAsync(crumbs))!["paths"]!.AsObject().Select(path => path.Key).ToList();
        Assert.Contains("/api/posts", paths);
        Assert.DoesNotContain(paths, path => path.StartsWith("/admin", StringComparison.Ordinal)
            || path.StartsWith("/api/probes", StringComparison.Ordinal) || path.StartsWith("/bench", StringComparison.Ordinal)
            || path is "/health" or "/alive");
    }

    [Fact]
    public async Task Sign_up_sign_in_post_and_read_the_timeline_through_the_generated_client()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, bob) = (Handle(), Handle());
        using var alicesClient = Browser();
        var created = await alicesClient.Client.Api.Accounts.PostAsync(
            new SignUpRequest { Handle = alice, DisplayName = "Alice", Password = UserSession.Password }, cancellationToken: ct);
        Assert.Equal(alice, created!.Handle);
        var wrong = await Assert.ThrowsAsync<ProblemDetails>(() => alicesClient.Client.Api.Sessions.PostAsync(
            new SignInRequest { Handle = alice, Password = "not the password" }, cancellationToken: ct));
        Assert.Equal((int)HttpStatusCode.Unauthorized, wrong.ResponseStatusCode);
        var signedIn = await alicesClient.Client.Api.Sessions.PostAsync(
            new SignInRequest { Handle = alice, Password = UserSession.Password }, cancellationToken: ct);
        Assert.Equal("Alice", signedIn!.DisplayName);
        await alicesClient.UseCsrfTokenAsync();

        using var bobsClient = Browser();
        await bobsClient.Client.Api.Accounts.PostAsync(
            new SignUpRequest { Handle = bob, DisplayName = "Bob", Password = UserSession.Password }, cancellationToken: ct);
        await bobsClient.Client.Api.Sessions.PostAsync(new SignInRequest { Handle = bob, Password = UserSession.Password }, cancellationToken: ct);
        await bobsClient.UseCsrfTokenAsync();
        await alicesClient.Client.Api.Users[bob].Follow.PutAsync(cancellationToken: ct);

        var own = await alicesClient.Client.Api.Posts.PostAsync(new NewPost { Text = "Hello from a generated client" }, cancellationToken: ct);
        var followed = await bobsClient.Client.Api.Posts.PostAsync(new NewPost { Text = "Hello, followers" }, cancellationToken: ct);
        var empty = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() =>
            alicesClient.Client.Api.Posts.PostAsync(new NewPost { Text = "" }, cancellationToken: ct));
        Assert.Equal((int)HttpStatusCode.BadRequest, empty.ResponseStatusCode);
        Assert.Contains("text", empty.Errors!.AdditionalData.Keys);

        var home = await Eventually.GetAsync(async () =>
        {
            var page = await alicesClient.Client.Api.Timeline.GetAsync(request => request.QueryParameters.Limit = 20, ct);
            return page!.Items!.Any(post => post.Id == followed!.Id) ? page : null;
        }, TimeSpan.FromSeconds(30), "Bob's post in Alice's home timeline");
        Assert.Contains(home.Items!, post => post.Id == own!.Id && post.Author!.Handle == alice);
        Assert.Contains(home.Items!, post => post.Id == followed!.Id && post.Author!.Handle == bob && post.Text == "Hello, followers");
        Assert.All(home.Items!, post => Assert.False(post.LikedByMe));

        var liked = await alicesClient.Client.Api.Posts[followed!.Id!.Value].Like.PutAsync(cancellationToken: ct);
        Assert.True(liked!.LikedByMe);
        Assert.True((await alicesClient.Client.Api.Posts[followed.Id.Value].GetAsync(cancellationToken: ct))!.LikedByMe);
        Assert.False((await bobsClient.Client.Api.Posts[followed.Id.Value].GetAsync(cancellationToken: ct))!.LikedByMe);
    }

    private static string Handle() => $"k{Guid.NewGuid():N}"[..16];

    private ApiBrowser Browser() => new(crumbs.WebAddress);
}

/// <summary>
/// The generated client over an HttpClient with a cookie jar of its own, as a browser has; after sign-in, unsafe calls
/// carry the CSRF token in X-CSRF-TOKEN.
/// </summary>
internal sealed class ApiBrowser : IDisposable
{
    private readonly HttpClient _http;

    public ApiBrowser(Uri address)
    {
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _http)
        {
            BaseUrl = address.ToString().TrimEnd('/'),   // the document's server is relative ("/")
        };
        Client = new CrumbsClient(adapter);
    }

    public CrumbsClient Client { get; }

    public async Task UseCsrfTokenAsync()
    {
        var token = await Client.Api.Antiforgery.GetAsync(cancellationToken: TestContext.Current.CancellationToken);
        _http.DefaultRequestHeaders.Remove(token!.HeaderName!);
        _http.DefaultRequestHeaders.Add(token.HeaderName!, token.Token);
    }

    public void Dispose() => _http.Dispose();
}
