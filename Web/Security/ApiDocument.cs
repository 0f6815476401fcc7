using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crumbs.Web.Security;

/// <summary>
/// What /openapi/v1.json says beyond the endpoints themselves: who the API is, where it is served, what its tags
/// mean, and how a caller signs in (the session cookie, plus the CSRF header on unsafe requests; see CsrfForSessions).
/// </summary>
public static class ApiDocument
{
    private const string SessionScheme = "session";
    private const string CsrfScheme = "csrf";

    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Accounts"] = "Sign up, profiles, and your own account: profile, password and picture.",
        ["Sessions"] = "Sign in and out. A session is the crumbs.session cookie; unsafe requests with it also send X-CSRF-TOKEN.",
        ["Posts"] = "Write, read, delete and like posts.",
        ["Follows"] = "Follow and unfollow accounts; who follows whom.",
        ["Timelines"] = "Pages of posts, newest first: your home timeline and an author's posts.",
        ["Media"] = "Uploaded pictures, served under URLs that never change.",
        ["Jobs"] = "Work a worker does after a 202 Accepted: poll a job until it is done.",
        ["Exports"] = "A copy of your data, made by a worker and downloadable for 7 days.",
        ["Baked"] = "What the workers compute ahead of time: trending posts and who to follow.",
    };

    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Crumbs",
                Version = "v1",
                Description = "The HTTP API of Crumbs, a microblog. Errors are RFC 9457 problem details.",
                // The repository grants no license: all rights reserved until it names one.
                License = new OpenApiLicense { Name = "All rights reserved", Identifier = "LicenseRef-All-Rights-Reserved" },
            };
            // Relative: the API is served wherever the app is, by every clone alike.
            document.Servers = [new OpenApiServer { Url = "/", Description = "This app" }];
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(tag => new OpenApiTag { Name = tag.Key, Description = tag.Value }));
            AddSecuritySchemes(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var signedIn = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            var safe = context.Description.HttpMethod is { } method && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method));
            var document = context.Document!;
            AddSecuritySchemes(document);   // operations are described before the document transformer runs
            var session = Requirement(document, safe ? [SessionScheme] : [SessionScheme, CsrfScheme]);
            // Signed in: the session (and on unsafe requests the CSRF token). Anyone: nothing, or a session with its token.
            operation.Security = signedIn ? [session] : safe ? [] : [new OpenApiSecurityRequirement(), session];
            DescribeBareErrors(operation, document);
            return Task.CompletedTask;
        });
    }

    /// <summary>A bare error (TypedResults.NotFound()) gets its problem body from the status code pages (ErrorPages).</summary>
    private static void DescribeBareErrors(OpenApiOperation operation, OpenApiDocument document)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('4') && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
            {
                bare.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
                };
            }
        }
    }

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument document, string[] schemes)
    {
        var requirement = new OpenApiSecurityRequirement();
        foreach (var scheme in schemes)
        {
            requirement[new OpenApiSecuritySchemeReference(scheme, document)] = [];
        }

        return requirement;
    }

    private static void AddSecuritySchemes(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(SessionScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "crumbs.session",
            Description = "The session cookie that POST /api/sessions sets (HttpOnly).",
        });
        document.Components.SecuritySchemes.TryAdd(CsrfScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-CSRF-TOKEN",
            Description = "The token from GET /api/antiforgery; required on unsafe requests that carry a session cookie.",
        });
    }
}
