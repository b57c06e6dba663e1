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
        else if (root.Replace('\\', '/').Split('/').Any(s => s is "." or ".."))
            errors["storage.root"] = ["The storage root may not contain '.' or '..' segments."];

        if (errors.Count > 0) return Error.Validation("validation", "The storage location is invalid.", errors);
        return new StorageLocation(provider!, TrimTrailingSeparator(root!.Trim()));
    }

    public static StorageLocation Local(string root) => Create(LocalProvider, root) is { IsSuccess: true } ok
        ? ok.Value
        : throw new ArgumentException($"'{root}' is not an absolute path.", nameof(root));

    // Rooted on Unix ("/srv") or fully qualified on Windows ("D:\media"); a pure string check, no I/O.
    private static bool IsAbsolute(string root) =>
        root.StartsWith('/') || (root.Length >= 3 && char.IsAsciiLetter(root[0]) && root[1] == ':' && root[2] is '\\' or '/');

    private static string TrimTrailingSeparator(string root) =>
        root.Length > 1 && root[^1] is '/' or '\\' && !(root.Length == 3 && root[1] == ':') ? root[..^1] : root;
}
