namespace Media.Domain.Common;

public enum ErrorKind { Validation, NotFound, Conflict, Unprocessable, Unavailable }

/// <summary>A refusal: an expected outcome that callers handle, unlike an exception (a bug or an outage).</summary>
public sealed record Error(string Code, string Message, ErrorKind Kind)
{
    /// <summary>Field name -> messages, for validation errors.</summary>
    public IReadOnlyDictionary<string, string[]>? Fields { get; init; }

    public static Error Validation(string code, string message, IReadOnlyDictionary<string, string[]>? fields = null) =>
        new(code, message, ErrorKind.Validation) { Fields = fields };

    public static Error Validation(string field, string message) =>
        Validation("validation", message, new Dictionary<string, string[]> { [field] = [message] });

    public static Error NotFound(string code, string message) => new(code, message, ErrorKind.NotFound);
    public static Error Conflict(string code, string message) => new(code, message, ErrorKind.Conflict);
    public static Error Unprocessable(string code, string message) => new(code, message, ErrorKind.Unprocessable);
    public static Error Unavailable(string code, string message) => new(code, message, ErrorKind.Unavailable);
}
