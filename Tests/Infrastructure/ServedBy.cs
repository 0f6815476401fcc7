namespace Crumbs.Tests.Infrastructure;

public static class ServedBy
{
    public static string Of(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("X-Served-By"));
}
