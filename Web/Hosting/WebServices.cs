using Crumbs.Domain.Accounts;
using Crumbs.Domain.Hosting;
using Crumbs.Web.Accounts;
using Crumbs.Web.Pages;
using Crumbs.Web.Quotas;
using Crumbs.Web.Security;
using Crumbs.Web.Sessions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;

namespace Crumbs.Web.Hosting;

public static class WebServices
{
    /// <summary>Largest request body accepted anywhere: a 2 MB picture plus its form's envelope.</summary>
    private const int MaxRequestBytes = 3 * 1024 * 1024;

    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBytes);
        // Forms stay in memory up to the limit: a clone never writes an upload to a temporary file.
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MemoryBufferThreshold = MaxRequestBytes;
            form.MultipartBodyLengthLimit = MaxRequestBytes;
        });
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default));
        builder.AddTrustedProxies();
        builder.AddSessions();
        builder.Services.AddOptions<SignInLimits>().BindConfiguration(SignInLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SignInLimiter>();
        builder.AddQuotas();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<PasswordWork>();
        builder.Services.AddSingleton<ActiveUsers>();
        builder.Services.AddSingleton<Timelines.Timeline>();
        builder.Services.AddSingleton<Demo.DemoSeeder>();
        builder.Services.AddRazorPages(pages => pages.Conventions.ConfigureFilter(new OnlyHandledRequests()));
        builder.AddApiReference();
        return builder;
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        app.UseTrustedProxies();
        // Every answer names the clone that gave it, so people and tests can watch the replicas share the load.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["X-Served-By"] = Replica.Name;
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseSecurityHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ErrorStatus.For,
            ExceptionHandler = ErrorPages.WriteAsync, // problem details for the API, a readable page for people
        });
        app.UseStatusCodePages(ErrorPages.WriteAsync);
        app.UseReadableCharsetsOnly();
        app.UseSqlCapture();
        app.UseCacheDiagnostics();
        app.UseStaticFiles();
        app.UseFreshReads();          // before the session is read: a writer's next reads see their writes on any clone
        app.UseAuthentication();
        app.UseActiveUsers();
        app.UseAuthorization();
        app.UseCsrfForSessions();
        return app;
    }
}
