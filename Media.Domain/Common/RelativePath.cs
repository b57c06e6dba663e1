namespace Media.Domain.Common;

/// <summary>
/// Library-relative paths: '/' separators, no leading slash, no '.' or '..' segments.
/// A path that fails here could point outside its library root, so it is refused, never repaired silently.
/// </summary>
public static class RelativePath
{
    public const int MaxLength = 4096;

    public static Result<string> Normalize(string? path, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(path)) return Error.Validation(field, "A library-relative path is required.");
        if (path.Length > MaxLength) return Error.Validation(field, $"The path is longer than {MaxLength} characters.");
        if (path.Contains('\0', StringComparison.Ordinal)) return Error.Validation(field, "The path contains a NUL character.");
        var unified = path.Replace('\\', '/');
        if (unified.StartsWith('/') || (unified.Length > 1 && unified[1] == ':'))
            return Error.Validation(field, "The path must be relative to the library root, not absolute.");
        var segments = unified.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return Error.Validation(field, "A library-relative path is required.");
        if (segments.Any(s => s is "." or ".."))
            return Error.Validation(field, "The path may not contain '.' or '..' segments.");
        return string.Join('/', segments);
    }
}
