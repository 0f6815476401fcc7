using Crumbs.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace Crumbs.Tests.Unit;

/// <summary>What an unhandled exception answers: the client's mistakes 4xx, a server away or slow 503, the rest 500.</summary>
public sealed class ErrorStatusTests
{
    [Fact]
    public void A_redis_command_that_timed_out_before_it_was_sent_is_a_503_not_a_500()
    {
        // StackExchange.Redis cancels a message that waited past its timeout for the connection (TimedOutBeforeWrite):
        // a sign-in on a saturated machine answered 500 with this.
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ErrorStatus.For(new TaskCanceledException()));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ErrorStatus.For(new OperationCanceledException()));
    }

    [Fact]
    public void A_server_away_or_hung_is_a_503()
    {
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ErrorStatus.For(new TimeoutException()));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable,
            ErrorStatus.For(new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, "away")));
    }

    [Fact]
    public void A_bad_request_keeps_its_own_status()
    {
        Assert.Equal(StatusCodes.Status413PayloadTooLarge,
            ErrorStatus.For(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge)));
    }

    [Fact]
    public void Anything_else_is_a_500()
    {
        Assert.Equal(StatusCodes.Status500InternalServerError, ErrorStatus.For(new InvalidOperationException()));
    }
}
