using Microsoft.AspNetCore.StaticFiles;

namespace Media.Api;

/// <summary>
/// Serves the single-page app for every path the API does not own. Unknown paths under the API's own prefixes
/// stay 404 problems: a client that mistyped a route must never get an HTML page with a 200.
/// </summary>
internal static class WebApp
{
    private static readonly string[] ApiPrefixes = ["v1", "health", "openapi", "scalar"];

    public static void MapWebApp(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in ApiPrefixes)
            app.MapFallback($"/{prefix}/{{**rest}}", NotFound).ExcludeFromDescription();
        app.MapFallbackToFile("index.html", new StaticFileOptions { OnPrepareResponse = NoStore });
    }

    private static IResult NotFound(HttpContext http) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
            detail: $"There is no resource at '{http.Request.Path}'.",
            extensions: new Dictionary<string, object?> { ["code"] = "route.not_found" });

    // The shell names the current assets; a cached copy could point at ones a newer build no longer has.
    private static void NoStore(StaticFileResponseContext context) =>
        context.Context.Response.Headers.CacheControl = "no-cache";
}
