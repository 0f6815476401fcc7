using System.Globalization;
using System.Security.Claims;

namespace Crumbs.Web.Accounts;

public static class CurrentUser
{
    /// <summary>The signed-in user's id (only on endpoints that require authorization).</summary>
    public static long Id(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture);
}
