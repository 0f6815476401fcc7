namespace Crumbs.Web.Hosting;

/// <summary>The status code for an exception that no endpoint handled (the exception handler's selector).</summary>
public static class ErrorStatus
{
    public static int For(Exception exception) => exception switch
    {
        // A malformed body or an oversized upload is the client's mistake, whatever the environment.
        BadHttpRequestException bad => bad.StatusCode,
        // Postgres refused a value as data (class 22: a NUL in a string, a number out of range): the client's too.
        Npgsql.PostgresException { SqlState: ['2', '2', ..] } => StatusCodes.Status400BadRequest,
        // A server that is away or hangs (a timeout): nothing was committed, since after a commit nothing can
        // fail (CacheInvalidation), so the client may send it again. Sessions live in Redis: without it a
        // signed-in request cannot be served. It recovers by itself.
        StackExchange.Redis.RedisException or TimeoutException or Npgsql.NpgsqlException { IsTransient: true }
            or Accounts.PasswordWorkBusyException
            => StatusCodes.Status503ServiceUnavailable,
        // A cancellation the client did not ask for (the handler answers a client that left before it asks this):
        // a command that timed out before it was sent, as StackExchange.Redis reports one on a saturated
        // connection, or a server's own deadline. The same as a hung server.
        OperationCanceledException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
