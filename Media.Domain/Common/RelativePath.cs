namespace Media.Domain.Common;

/// <summary>
/// Library-relative paths: '/' separators, no leading slash, no '.' or '..' segments.
/// A path that fails here could point outside its library root, so it is refused, never repaired silently.
/// A backslash is an ordinary character of a name on Linux ("Heat (1995)\Heat (1995).mkv" is one file): it is kept
/// as it is, never read as a separator, so a path is stored exactly as the file system has it.
/// </summary>
public static class RelativePath
{
    public const int MaxLength = 4096;

    public static Result<string> Normalize(string? path, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(path)) return Error.Validation(field, "A library-relative path is required.");
        if (path.Length > MaxLength) return Error.Validation(field, $"The path is longer than {MaxLength} characters.");
        if (path.Contains('\0', StringComparison.Ordinal)) return Error.Validation(field, "The path contains a NUL character.");
        if (path.StartsWith('/') || IsDriveLetter(path))
            return Error.Validation(field, "The path must be relative to the library root, not absolute.");
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return Error.Validation(field, "A library-relative path is required.");
        if (segments.Any(s => s is "." or ".."))
            return Error.Validation(field, "The path may not contain '.' or '..' segments.");
        return string.Join('/', segments);
    }

    /// <summary>"C:\\..." or "C:/...": a Windows path given where a library-relative one belongs ("M: The Movie" is a name).</summary>
    private static bool IsDriveLetter(string path) =>
        path.Length > 2 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/';
}

/// <summary>
/// A fixed-size key of a path (SHA-256 of its UTF-8 bytes). Paths may be kilobytes long, more than a database index
/// entry can hold (PostgreSQL's btree stops near 2.7 KB), so uniqueness and lookups go by this key.
/// </summary>
public static class PathKey
{
    public static byte[] Of(string path) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path));
}
