using Media.Domain.Common;

namespace Media.Domain.Downloads;

public enum DownloaderKind { Transmission, Qbittorrent }

/// <summary>A download client. The password is kept only in protected (encrypted) form and never leaves the API.</summary>
public sealed class Downloader
{
    private Downloader() { } // for EF

    public DownloaderId Id { get; private set; }
    public string Name { get; private set; } = "";
    public DownloaderKind Kind { get; private set; }
    public Uri Url { get; private set; } = null!;
    public string? Username { get; private set; }
    public string? ProtectedPassword { get; private set; }
    public bool Enabled { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static Downloader Create(
        string name, DownloaderKind kind, Uri url, string? username, string? protectedPassword, bool enabled, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A name is required.", nameof(name));
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) throw new ArgumentException("The URL must be absolute.", nameof(url));
        return new Downloader
        {
            Id = DownloaderId.New(), Name = name.Trim(), Kind = kind, Url = url,
            Username = string.IsNullOrEmpty(username) ? null : username, ProtectedPassword = protectedPassword,
            Enabled = enabled, CreatedAt = at,
        };
    }

    /// <summary>A null <paramref name="protectedPassword"/> keeps the stored one: passwords are write-only.</summary>
    public void Update(string name, DownloaderKind kind, Uri url, string? username, string? protectedPassword, bool enabled)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A name is required.", nameof(name));
        ArgumentNullException.ThrowIfNull(url);
        (Name, Kind, Url, Username, Enabled) = (name.Trim(), kind, url, string.IsNullOrEmpty(username) ? null : username, enabled);
        if (protectedPassword is not null) ProtectedPassword = protectedPassword.Length == 0 ? null : protectedPassword;
    }
}

public static class DownloaderErrors
{
    public static Error NotFound(DownloaderId id) => Error.NotFound("downloader.not_found", $"Download client {id.Value} does not exist.");

    public static Error Unreachable(string detail) => Error.Unavailable("downloader.unreachable", detail);
}
