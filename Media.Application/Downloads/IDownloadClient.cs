using Media.Domain.Downloads;

namespace Media.Application.Downloads;

/// <summary>How to reach a download client; the password in clear, only in memory.</summary>
public sealed record DownloaderConnection(DownloaderKind Kind, Uri Url, string? Username, string? Password);

/// <summary>What to download: a magnet URI or a .torrent URL, or the bytes of a .torrent file.</summary>
public sealed record TorrentSource(string? Uri, byte[]? TorrentFile)
{
    public static TorrentSource FromUri(string uri) => new(uri, null);
    public static TorrentSource FromFile(byte[] torrent) => new(null, torrent);
}

public enum TorrentState { Queued, Checking, Downloading, Completed, Paused, Error }

public sealed record TorrentFile(string Path, long Size, double Progress);

/// <summary>A torrent as the client reports it. <see cref="Progress"/> in [0, 1]; paths of files are relative to <see cref="SavePath"/>.</summary>
public sealed record TorrentStatus(string Hash, string Name, double Progress, TorrentState State, string SavePath, IReadOnlyList<TorrentFile> Files, string? Error);

/// <summary>The client refused, failed, or could not be reached; the message says which.</summary>
public sealed class DownloadClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A BitTorrent client (Transmission, qBittorrent) as the download jobs need it.</summary>
public interface IDownloadClient
{
    /// <summary>Checks the connection and the credentials; the client's version.</summary>
    Task<string> TestAsync(CancellationToken ct);

    /// <summary>Adds a torrent that downloads into <paramref name="savePath"/> (null: the client's default); its info hash (lower-case hex).</summary>
    Task<string> AddAsync(TorrentSource source, string? savePath, CancellationToken ct);

    /// <summary>The torrent, or null when the client does not have it.</summary>
    Task<TorrentStatus?> GetAsync(string hash, CancellationToken ct);

    /// <summary>Removes the torrent from the client; its data stays on disk.</summary>
    Task RemoveAsync(string hash, CancellationToken ct);
}

public interface IDownloadClientFactory
{
    IDownloadClient For(DownloaderConnection connection);
}
