using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Crumbs.Web.Pages;

/// <summary>
/// A page runs only for a request it has a handler for, with arguments that bound. Otherwise Razor Pages would render
/// the page without running any handler (a PUT or TRACE on /posts/1 drew a page with no post: 500), or run one
/// with a value it could not read. The status code pages turn the 405 or 400 into a readable page.
/// </summary>
public sealed class OnlyHandledRequests : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (context.HandlerMethod is null && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            // Every page shows itself on GET, handler or not; the unsafe methods are those of its handlers.
            var allowed = context.ActionDescriptor.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant())
                .Prepend("HEAD").Prepend("GET").Distinct();
            context.HttpContext.Response.Headers.Allow = string.Join(", ", allowed);
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        if (!context.ModelState.IsValid)
        {
            context.Result = new BadRequestResult();
            return;
        }

        await next();
    }
}
