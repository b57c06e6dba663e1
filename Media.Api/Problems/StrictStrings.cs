using System.Text.Json;
using System.Text.Json.Serialization;
using Media.Domain.Common;

namespace Media.Api.Problems;

/// <summary>
/// Every string of every request body is checked once, here: invalid UTF-8 and control characters make the body invalid
/// JSON for the endpoint (400 with the field), before any handler or database sees them.
/// </summary>
internal sealed class StrictStringConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"A string is expected, not {reader.TokenType}.");
        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException("The text is not valid UTF-8.", e);
        }
        return CleanText.Problem(value) is { } problem ? throw new JsonException(problem) : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Query and route values get the same check as body strings: a control character is a 400, never a database error.</summary>
internal sealed class StrictRequestValues(IProblemDetailsService problems) : IMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (key, values) in context.Request.Query)
        {
            if (CleanText.Problem(key) is { } keyProblem) errors["query"] = [keyProblem];
            foreach (var value in values)
                if (value is not null && CleanText.Problem(value) is { } problem) errors[key] = [problem];
        }
        if (CleanText.Problem(context.Request.Path.Value ?? "") is { } pathProblem) errors["path"] = [pathProblem];
        if (errors.Count == 0)
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "The request holds text that is not allowed.",
                Extensions = { ["code"] = "validation", ["errors"] = errors },
            },
        });
    }
}
