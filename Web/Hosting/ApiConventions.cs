namespace Crumbs.Web.Hosting;

/// <summary>Policies for route groups and endpoints, each declaring the answer it gives in the API description.</summary>
public static class ApiConventions
{
    /// <summary>Only for a signed-in user: without a session the API answers 401 with a problem body.</summary>
    public static TBuilder RequireSignIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>
    /// Takes a JSON body: 415 for another Content-Type, 400 for JSON that does not bind, or for a missing CSRF token
    /// (endpoints that validate the body declare their 400 as a validation problem instead).
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson(this RouteHandlerBuilder builder, bool validates = false) =>
        (validates ? builder.ProducesValidationProblem() : builder.ProducesProblem(StatusCodes.Status400BadRequest))
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
