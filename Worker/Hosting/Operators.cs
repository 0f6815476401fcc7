using System.Security.Cryptography;
using System.Text;

namespace Crumbs.Worker.Hosting;

/// <summary>
/// Where operator endpoints hang (dead letters, bake now): mapped only in Development, or when Crumbs:Admin:Key is
/// set, and then only for requests that carry that key.
/// </summary>
public static class Operators
{
    public const string KeyHeader = "X-Crumbs-Admin-Key";

    /// <summary>The route group for operator endpoints under <paramref name="prefix"/>, or null where there are none.</summary>
    public static RouteGroupBuilder? MapOperatorGroup(this WebApplication app, string prefix)
    {
        var key = app.Configuration["Crumbs:Admin:Key"];
        if (string.IsNullOrEmpty(key) && !app.Environment.IsDevelopment())
        {
            return null;
        }

        var group = app.MapGroup(prefix);
        if (!string.IsNullOrEmpty(key))
        {
            var expected = Encoding.UTF8.GetBytes(key);
            group.AddEndpointFilter((context, next) =>
                CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers[KeyHeader].ToString()), expected)
                    ? next(context)
                    : ValueTask.FromResult<object?>(TypedResults.Unauthorized()));
        }

        return group;
    }
}
