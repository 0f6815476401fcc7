using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Crumbs.ServiceDefaults;

/// <summary>
/// Endpoints for operators (dashboard commands, `./crumbs seed`, probes): in every environment they answer only
/// requests that carry Crumbs:Admin:Key in X-Crumbs-Admin-Key (compared in constant time), and 401 otherwise. The
/// AppHost makes the key for each run (AppHost/Infrastructure/OperatorKey.cs); where none is set, nobody gets in.
/// </summary>
public static class OperatorEndpoints
{
    public const string KeyHeader = "X-Crumbs-Admin-Key";
    public const string KeySetting = "Crumbs:Admin:Key";

    /// <summary>A group of operator endpoints, kept out of the public API description.</summary>
    public static RouteGroupBuilder MapOperatorGroup(this WebApplication app, string prefix) =>
        app.MapGroup(prefix).ExcludeFromDescription().RequireOperatorKey(app.Configuration);

    /// <summary>Lets only requests with the operator key reach the group's endpoints.</summary>
    public static RouteGroupBuilder RequireOperatorKey(this RouteGroupBuilder group, IConfiguration configuration)
    {
        var key = configuration[KeySetting];
        byte[]? expected = string.IsNullOrEmpty(key) ? null : Encoding.UTF8.GetBytes(key);
        group.AddEndpointFilter((context, next) =>
            expected is not null && CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers[KeyHeader].ToString()), expected)
                ? next(context)
                : ValueTask.FromResult<object?>(Refused()));
        return group;
    }

    private static ProblemHttpResult Refused() => TypedResults.Problem(
        title: "An operator key is needed",
        detail: $"Operator endpoints answer only requests that carry the operator key in {KeyHeader}.",
        statusCode: StatusCodes.Status401Unauthorized);
}
