using Media.Domain.Common;

namespace Media.Api.Problems;

/// <summary>The one place where refusals become HTTP: RFC 9457 problem details with a stable "code".</summary>
internal static class ProblemResults
{
    public static IResult ToHttpResult(this Result result) =>
        result.IsSuccess ? Results.NoContent() : Problem(result.Error!);

    public static IResult ToHttpResult<T>(this Result<T> result, Func<T, IResult>? onSuccess = null) =>
        result.IsSuccess ? onSuccess?.Invoke(result.Value) ?? Results.Ok(result.Value) : Problem(result.Error!);

    public static IResult Problem(Error error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Kind == ErrorKind.Validation)
            return Results.ValidationProblem(
                error.Fields ?? new Dictionary<string, string[]>(), detail: error.Message, extensions: extensions);
        // Other refusals may name facts a client needs (e.g. the id of the existing item on a conflict).
        foreach (var (field, values) in error.Fields ?? new Dictionary<string, string[]>())
            extensions[field] = values.Length == 1 ? values[0] : values;
        var (status, title) = error.Kind switch
        {
            ErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            ErrorKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
            ErrorKind.Unprocessable => (StatusCodes.Status422UnprocessableEntity, "Cannot be carried out"),
            ErrorKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Service unavailable"),
            _ => (StatusCodes.Status400BadRequest, "Bad request"),
        };
        return Results.Problem(detail: error.Message, statusCode: status, title: title, extensions: extensions);
    }
}
