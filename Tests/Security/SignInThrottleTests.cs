using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Crumbs.Tests.Accounts;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Security;

/// <summary>
/// Sign-in throttling counts wrong passwords per (handle, address) and, with a higher ceiling, per handle; one
/// spelling of a handle is counted everywhere; and the address is the real client's, taken from X-Forwarded-For
/// only when a trusted proxy sent it (the test app trusts loopback, as its own proxy; see CrumbsApp).
/// </summary>
public sealed class SignInThrottleTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task Wrong_passwords_from_one_address_spread_over_the_replicas_are_counted_together_then_refused_with_429()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var replicas = crumbs.Replicas.Of("web");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 12; i++)
        {
            last?.Dispose();
            last = await SignInFromAsync(alice.Handle, $"wrong password {i}", "198.51.100.7", replicas[i % replicas.Count].Address);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        await BadInputTests.AssertProblemAsync(last!, HttpStatusCode.TooManyRequests);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        last.Dispose();

        using var rightButSameAddress = await SignInFromAsync(alice.Handle, UserSession.Password, "198.51.100.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButSameAddress.StatusCode);
    }

    [Fact]
    public async Task An_attacker_cannot_lock_the_owner_out_the_owner_signs_in_from_an_address_with_no_failures()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        for (var i = 0; i < 15; i++)
        {
            using var _ = await SignInFromAsync(alice.Handle, $"guess {i}", "203.0.113.66");
        }

        using var attacker = await SignInFromAsync(alice.Handle, UserSession.Password, "203.0.113.66");
        Assert.Equal(HttpStatusCode.TooManyRequests, attacker.StatusCode);
        using var owner = await SignInFromAsync(alice.Handle, UserSession.Password, "192.0.2.10");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task Guessing_spread_over_many_addresses_meets_the_per_handle_ceiling()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        for (var i = 0; i < CrumbsApp.SignInFailuresPerHandle; i++)
        {
            using var wrong = await SignInFromAsync(alice.Handle, $"guess {i}", $"203.0.113.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var fresh = await SignInFromAsync(alice.Handle, UserSession.Password, "192.0.2.200");
        Assert.Equal(HttpStatusCode.TooManyRequests, fresh.StatusCode);
    }

    [Fact]
    public async Task Every_spelling_of_a_handle_meets_the_same_counter_and_a_dotted_capital_I_is_no_way_around_it()
    {
        var handle = $"rv_i{Guid.NewGuid():N}"[..14];
        using var created = await crumbs.CreateClient().PostAsJsonAsync("/api/accounts",
            new { handle, displayName = "Rv", password = UserSession.Password }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        const string attacker = "198.51.100.99";
        for (var i = 0; i < 10; i++)
        {
            using var _ = await SignInFromAsync(handle, $"guess {i}", attacker);
        }

        var dotted = handle.Replace("rv_i", "rv_\u0130", StringComparison.Ordinal);         // İ: Postgres lowers it to i
        var fullWidth = string.Concat(handle.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + '\uFF41') : c)); // ｒｖ_ｉ…
        using var viaDotted = await SignInFromAsync(dotted, UserSession.Password, attacker);
        Assert.NotEqual(HttpStatusCode.OK, viaDotted.StatusCode);
        using var viaFullWidth = await SignInFromAsync(fullWidth, UserSession.Password, attacker);
        Assert.Equal(HttpStatusCode.TooManyRequests, viaFullWidth.StatusCode);   // NFKC: the same handle, the same counter
        using var ownerFullWidth = await SignInFromAsync(fullWidth.ToUpperInvariant(), UserSession.Password, "192.0.2.77");
        Assert.Equal(HttpStatusCode.OK, ownerFullWidth.StatusCode);
    }

    [Fact]
    public async Task Oversized_handles_never_reach_Redis()
    {
        var huge = new string('a', 2 * 1024 * 1024);
        var before = await RedisCommands.UsedMemoryAsync(crumbs);
        for (var i = 0; i < 10; i++)
        {
            using var response = await SignInFromAsync(huge + i, "x", $"198.51.100.{i + 120}");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            using var lookup = await crumbs.CreateClient().GetAsync($"/api/users/{new string('b', 4000)}{i}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        }

        var grown = await RedisCommands.UsedMemoryAsync(crumbs) - before;
        Assert.True(grown < 4 * 1024 * 1024, $"Redis grew by {grown:N0} bytes for 10 sign-ins with 2 MB handles");
    }

    [Fact]
    public async Task A_forged_forwarded_address_from_an_untrusted_peer_is_ignored()
    {
        using var alice = await UserSession.SignUpAsync(crumbs);
        var replica = crumbs.Replicas.Of("web")[0].Address!;
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            // A new address every time would escape the per-address count if the header were believed.
            using var response = await SignInFromAsync(alice.Handle, $"guess {i}", $"192.0.2.{i + 1}", replica, from: "127.0.0.2");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
    }

    /// <summary>A sign-in as if from <paramref name="address"/>, through a proxy the app trusts unless <paramref name="from"/> names another peer.</summary>
    private async Task<HttpResponseMessage> SignInFromAsync(string handle, string password, string address, Uri? target = null, string? from = null)
    {
        var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }

        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target ?? crumbs.WebAddress, "/api/sessions"))
        {
            Content = JsonContent.Create(new { handle, password }),
        };
        request.Headers.Add("X-Forwarded-For", address);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        await response.Content.LoadIntoBufferAsync(TestContext.Current.CancellationToken);
        return response;
    }
}
