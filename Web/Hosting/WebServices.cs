using Crumbs.Domain.Hosting;

namespace Crumbs.Web.Hosting;

public static class WebServices
{
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        // Every answer names the clone that gave it, so people and tests can watch the replicas share the load.
        app.Use((context, next) =>
        {
            context.Response.Headers["X-Served-By"] = Replica.Name;
            return next(context);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
