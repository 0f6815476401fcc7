using System.Security.Claims;
using Crumbs.Domain.Accounts;
using Crumbs.Web.Sessions;
using Microsoft.AspNetCore.Authentication;

namespace Crumbs.Tests.Unit;

/// <summary>The pure rules behind sign-in: the one spelling of a handle, and how long a session may live.</summary>
public sealed class HandleAndSessionRuleTests
{
    [Theory]
    [InlineData("alice_01", "alice_01")]
    [InlineData("  Alice_01 ", "alice_01")]
    [InlineData("\uFF41\uFF4C\uFF49\uFF43\uFF45", "alice")]   // full-width letters are the same handle (NFKC)
    [InlineData("ALICE", "alice")]
    public void A_handle_has_one_spelling(string input, string expected) => Assert.Equal(expected, Handle.Normalize(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("a_handle_that_is_far_too_long")]
    [InlineData("rv_\u0130kkj")]        // İ: .NET keeps it, Postgres lowers it to i; here it is simply not a handle
    [InlineData("al ice")]
    [InlineData("ali\nce")]
    [InlineData("al\u202Eice")]         // a right-to-left override
    [InlineData("al\uD800ice")]         // a lone surrogate
    public void Anything_else_is_not_a_handle(string? input) => Assert.Null(Handle.Normalize(input));

    [Fact]
    public void A_two_megabyte_input_is_refused_without_being_normalized() =>
        Assert.Null(Handle.Normalize(new string('a', 2 * 1024 * 1024)));

    [Fact]
    public void A_session_lives_until_its_idle_end_but_never_past_its_absolute_lifetime()
    {
        var options = new SessionTimeouts { IdleTimeout = TimeSpan.FromDays(14), AbsoluteLifetime = TimeSpan.FromDays(30) };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var fresh = Ticket(start, expires: start.AddDays(14));
        Assert.Equal(TimeSpan.FromDays(14), SessionLifetime.Remaining(fresh, start, options));

        // Used every day for 25 days: the sliding end is day 39, the absolute end day 30.
        var busy = Ticket(start, expires: start.AddDays(39));
        Assert.Equal(TimeSpan.FromDays(5), SessionLifetime.Remaining(busy, start.AddDays(25), options));
        Assert.True(SessionLifetime.Remaining(busy, start.AddDays(30), options) <= TimeSpan.Zero);
    }

    private static AuthenticationTicket Ticket(DateTimeOffset started, DateTimeOffset expires)
    {
        var properties = new AuthenticationProperties { ExpiresUtc = expires, IssuedUtc = started };
        SessionLifetime.MarkStarted(properties, started);
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "1")], "test")), properties, "Cookies");
    }
}
