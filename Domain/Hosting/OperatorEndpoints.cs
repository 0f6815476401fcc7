using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Crumbs.Domain.Hosting;

/// <summary>
/// Endpoints for operators (dashboard commands): mapped only in Development, or when Crumbs:Admin:Key is set, and
/// then only for requests that carry that key in X-Crumbs-Admin-Key (compared in constant time).
/// </summary>
public static class OperatorEndpoints
{
    public const string KeyHeader = "X-Crumbs-Admin-Key";

    /// <summary>The group to map operator endpoints in, or null where they must not exist.</summary>
    public static RouteGroupBuilder? MapOperatorGroup(this WebApplication app, string prefix)
    {
        var key = app.Configuration["Crumbs:Admin:Key"];
        if (string.IsNullOrEmpty(key) && !app.Environment.IsDevelopment())
        {
            return null;
        }

        var group = app.MapGroup(prefix).ExcludeFromDescription();
        if (!string.IsNullOrEmpty(key))
        {
            var expected = Encoding.UTF8.GetBytes(key);
            group.AddEndpointFilter((context, next) =>
                CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers[KeyHeader].ToString()), expected)
                    ? next(context)
                    : ValueTask.FromResult<object?>(Results.Unauthorized()));
        }

        return group;
    }
}
