using Media.Domain.Common;

namespace Media.Domain.Libraries;

/// <summary>Where a library's files live: a provider ("local" now, cloud object stores later) and its root.</summary>
public sealed record StorageLocation
{
    public const string LocalProvider = "local";
    public const int MaxRootLength = 1024;

    private StorageLocation(string provider, string root) => (Provider, Root) = (provider, root);

    public string Provider { get; }
    public string Root { get; }

    public static Result<StorageLocation> Create(string? provider, string? root)
    {
        var errors = new Dictionary<string, string[]>();
        provider = string.IsNullOrWhiteSpace(provider) ? null : provider.Trim().ToLowerInvariant();
        if (provider is null) errors["storage.provider"] = ["A storage provider is required."];
        else if (provider != LocalProvider) errors["storage.provider"] = [$"Unknown storage provider '{provider}'; supported: {LocalProvider}."];

        if (string.IsNullOrWhiteSpace(root)) errors["storage.root"] = ["A storage root is required."];
        else if (root.Length > MaxRootLength) errors["storage.root"] = [$"The root is longer than {MaxRootLength} characters."];
        else if (!IsAbsolute(root)) errors["storage.root"] = ["The storage root must be an absolute path."];
        else if (root.Replace('\\', '/').Split('/').Any(s => s is ".."))
            errors["storage.root"] = ["The storage root may not contain '..' segments."];

        if (errors.Count > 0) return Error.Validation("validation", "The storage location is invalid.", errors);
        return new StorageLocation(provider!, Normalize(root!.Trim()));
    }

    /// <summary>
    /// One spelling per folder, so that roots compare as strings: '/srv/movies//', '/srv/./movies/' and '/srv/movies' are
    /// '/srv/movies' (repeated separators and '.' segments go, and a trailing separator).
    /// </summary>
    private static string Normalize(string root)
    {
        var windows = root.Length >= 3 && root[1] == ':';
        var separator = windows ? '\\' : '/';
        var segments = root.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (windows) return segments.Count == 1 ? segments[0] + separator : string.Join(separator, segments);
        return "/" + string.Join('/', segments);
    }

    /// <summary>The same folder, or one inside the other: two libraries on them would scan and import the same files.</summary>
    public bool Overlaps(StorageLocation other)
    {
        if (other.Provider != Provider) return false;
        var (a, b) = (Normalize(Root), Normalize(other.Root));
        return a == b || Inside(a, b) || Inside(b, a);
    }

    private static bool Inside(string path, string root)
    {
        var prefix = root.EndsWith('/') || root.EndsWith('\\') ? root : root + (root.Length >= 3 && root[1] == ':' ? '\\' : '/');
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    public static StorageLocation Local(string root) => Create(LocalProvider, root) is { IsSuccess: true } ok
        ? ok.Value
        : throw new ArgumentException($"'{root}' is not an absolute path.", nameof(root));

    // Rooted on Unix ("/srv") or fully qualified on Windows ("D:\media"); a pure string check, no I/O.
    private static bool IsAbsolute(string root) =>
        root.StartsWith('/') || (root.Length >= 3 && char.IsAsciiLetter(root[0]) && root[1] == ':' && root[2] is '\\' or '/');
}
