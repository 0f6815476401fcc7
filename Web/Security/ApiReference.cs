using Scalar.AspNetCore;

namespace Crumbs.Web.Security;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) and its interactive reference (/scalar): a map of the API for developers,
/// on in Development and off elsewhere unless Crumbs:ApiReference:Enabled says otherwise.
/// </summary>
public sealed class ApiReference
{
    public const string Section = "Crumbs:ApiReference";

    /// <summary>Null: on in Development only.</summary>
    public bool? Enabled { get; set; }

    public bool IsOnIn(IHostEnvironment environment) => Enabled ?? environment.IsDevelopment();
}

public static class ApiReferenceEndpoints
{
    public static WebApplicationBuilder AddApiReference(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiReference>().BindConfiguration(ApiReference.Section)
            .PostConfigure<IHostEnvironment>((options, environment) => options.Enabled = options.IsOnIn(environment));
        builder.Services.AddOpenApi(ApiDocument.Describe);
        return builder;
    }

    public static WebApplication MapApiReference(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiReference>>().Value.Enabled == true)
        {
            app.MapOpenApi();                                                    // /openapi/v1.json
            app.MapScalarApiReference(scalar => scalar.WithNonce().DisableDefaultFonts());   // /scalar, nothing from a CDN
        }

        return app;
    }
}
