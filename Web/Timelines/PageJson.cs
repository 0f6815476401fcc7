using System.Reflection;
using Crumbs.Domain.Posts;
using Crumbs.Web.Posts;
using Microsoft.AspNetCore.Http.Metadata;

namespace Crumbs.Web.Timelines;

/// <summary>A page of posts already serialized (see <see cref="Timeline.HomeJsonAsync"/>), described to OpenAPI as the page it is.</summary>
public sealed class PageJson(byte[] bytes) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = bytes.Length;
        return httpContext.Response.Body.WriteAsync(bytes).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Page<PostDto>), ["application/json"]));
}
