using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Media.Api.Problems;

/// <summary>
/// Exceptions become problem details: a malformed request is the client's 400 (with what was wrong),
/// an unreachable database or library storage is a 503 with Retry-After, anything else is a 500 that says nothing of the internals (the log has the details).
/// </summary>
internal sealed class ExceptionProblems(IProblemDetailsService problems, ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    /// <summary>How long a client waits before it asks again while the database is down.</summary>
    private const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = new ProblemDetails
            {
                Status = bad.StatusCode, Title = "Bad request",
                Detail = bad.InnerException is JsonException json ? $"The request body is not valid JSON for this endpoint: {json.Message}" : bad.Message,
            };
            if (bad.InnerException is JsonException { Path: { Length: > 0 } path } jsonError)
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [path.TrimStart('$', '.')] = [jsonError.Message] };
        }
        else if (Media.Infrastructure.Persistence.DbErrors.IsUnavailable(exception))
        {
            logger.LogWarning("Database unavailable on {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, exception.Message);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable",
                Detail = "The database cannot be reached right now; try again shortly.",
                Extensions = { ["code"] = "database.unavailable" },
            };
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }
        else if (exception is Media.Application.Storage.StorageUnavailableException storage)
        {
            // A library's storage that cannot be reached (unmounted share, unreachable account) is not the server's fault.
            logger.LogWarning("Storage unavailable on {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, storage.Message);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = storage.Message,
                Extensions = { ["code"] = "storage.unavailable" },
            };
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }
        else
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError, Title = "Internal server error",
                Detail = "An unexpected error occurred. It has been logged.",
            };
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
