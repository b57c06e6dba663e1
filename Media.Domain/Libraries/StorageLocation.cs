using System.Text.RegularExpressions;
using Media.Domain.Common;

namespace Media.Domain.Libraries;

/// <summary>
/// Where a library's files live: a provider and its root. <c>local</c>: an absolute folder. <c>azure-blob</c>: a
/// container and an optional prefix (<c>media/movies</c>), reached with a connection string kept here only in
/// protected (encrypted) form.
/// </summary>
public sealed partial record StorageLocation
{
    public const string LocalProvider = "local";
    public const string AzureBlobProvider = "azure-blob";
    public const int MaxRootLength = 1024;
    private const string ConnectionStringField = "storage.connectionString";

    private StorageLocation(string provider, string root, string? protectedConnectionString) =>
        (Provider, Root, ProtectedConnectionString) = (provider, root, protectedConnectionString);

    public string Provider { get; }
    public string Root { get; }

    /// <summary>The provider's secret, encrypted by the application before it gets here; null for local disks.</summary>
    public string? ProtectedConnectionString { get; }

    /// <summary>An object store's root: its container, and the prefix below it ("" for the whole container).</summary>
    public (string Container, string Prefix) ContainerAndPrefix =>
        Root.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? (Root[..slash], Root[(slash + 1)..]) : (Root, "");

    public static Result<StorageLocation> Create(string? provider, string? root, string? protectedConnectionString = null)
    {
        var errors = new Dictionary<string, string[]>();
        provider = string.IsNullOrWhiteSpace(provider) ? null : provider.Trim().ToLowerInvariant();
        if (provider is null) errors["storage.provider"] = ["A storage provider is required."];
        else if (provider is not (LocalProvider or AzureBlobProvider))
            errors["storage.provider"] = [$"Unknown storage provider '{provider}'; supported: {LocalProvider}, {AzureBlobProvider}."];

        string? normalized = null;
        if (string.IsNullOrWhiteSpace(root)) errors["storage.root"] = ["A storage root is required."];
        else if (root.Length > MaxRootLength) errors["storage.root"] = [$"The root is longer than {MaxRootLength} characters."];
        else if (provider == AzureBlobProvider)
        {
            if (BlobRootProblem(root.Trim().Trim('/')) is { } problem) errors["storage.root"] = [problem];
            else normalized = root.Trim().Trim('/');
        }
        else if (!IsAbsolute(root)) errors["storage.root"] = ["The storage root must be an absolute path."];
        else if (root.Replace('\\', '/').Split('/').Any(s => s is ".."))
            errors["storage.root"] = ["The storage root may not contain '..' segments."];
        else normalized = Normalize(root.Trim());

        if (provider == AzureBlobProvider && string.IsNullOrEmpty(protectedConnectionString))
            errors[ConnectionStringField] = ["A connection string is required for azure-blob."];
        if (provider == LocalProvider && protectedConnectionString is not null)
            errors[ConnectionStringField] = ["A local library takes no connection string."];

        if (errors.Count > 0) return Error.Validation("validation", "The storage location is invalid.", errors);
        return new StorageLocation(provider!, normalized!, provider == AzureBlobProvider ? protectedConnectionString : null);
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

    /// <summary>
    /// The same place, or one inside the other: two libraries on them would scan and import the same files. Local
    /// roots compare as folders; blob roots as container and prefix.
    /// </summary>
    public bool Overlaps(StorageLocation other)
    {
        if (other.Provider != Provider) return false;
        var (a, b) = Provider == LocalProvider ? (Normalize(Root), Normalize(other.Root)) : (Root, other.Root);
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

    /// <summary>The same place as <paramref name="other"/> (provider and root), whatever the credentials.</summary>
    public bool SamePlaceAs(StorageLocation other) => Provider == other.Provider && Root == other.Root;

    // Rooted on Unix ("/srv") or fully qualified on Windows ("D:\media"); a pure string check, no I/O.
    private static bool IsAbsolute(string root) =>
        root.StartsWith('/') || (root.Length >= 3 && char.IsAsciiLetter(root[0]) && root[1] == ':' && root[2] is '\\' or '/');

    // Azure's container rules: 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a
    // letter or digit. The prefix is a library-relative folder: no empty, '.' or '..' segments.
    private static string? BlobRootProblem(string root)
    {
        var (container, prefix) = root.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? (root[..slash], root[(slash + 1)..]) : (root, "");
        if (!ContainerName().IsMatch(container))
            return $"'{container}' is not a container name: 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.";
        if (prefix.Length == 0) return null;
        if (prefix.Contains('\\', StringComparison.Ordinal) || prefix.Contains('\0', StringComparison.Ordinal))
            return "The prefix may not contain a backslash or a NUL character.";
        if (prefix.Split('/').Any(s => s is "" or "." or ".."))
            return "The prefix may not contain empty, '.' or '..' segments.";
        return null;
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();
}
