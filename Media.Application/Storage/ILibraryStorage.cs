using Media.Domain.Libraries;

namespace Media.Application.Storage;

/// <summary>A file under a library root: its library-relative path ('/' separators), size and last change.</summary>
public sealed record StoredFile(string Path, long Size, DateTimeOffset ModifiedAt);

public enum WalkProblemKind { Unreadable, BrokenLink, LinkOutsideRoot, LinkLoop, BadName, PathTooLong }

/// <summary>Something the walk skipped. An unreadable folder means its files were not seen, not that they are gone.</summary>
public sealed record WalkProblem(string Path, WalkProblemKind Kind, string Message);

/// <summary>The root cannot be read at all (an unmounted share, a deleted folder, a permission change).</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The files of one library root. Implemented for local disks and, later, object stores: so nothing of
/// System.IO appears here. The walk streams: it never holds the tree in memory.
/// </summary>
public interface ILibraryStorage
{
    /// <summary>Null when the root can be read; otherwise why not.</summary>
    Task<string?> UnavailableReasonAsync(CancellationToken ct);

    /// <summary>
    /// Every file under the root, or under one library-relative folder of it. Folders for which
    /// <paramref name="skipFolder"/> (given the folder's library-relative path) says true are not entered. Problems are reported and
    /// skipped; a root that cannot be read throws <see cref="StorageUnavailableException"/>.
    /// </summary>
    IAsyncEnumerable<StoredFile> WalkAsync(string? folder, Func<string, bool> skipFolder, Action<WalkProblem> onProblem, CancellationToken ct);

    /// <summary>The file at a library-relative path, or null when there is none.</summary>
    Task<StoredFile?> StatAsync(string path, CancellationToken ct);
}

public interface ILibraryStorageFactory
{
    ILibraryStorage For(StorageLocation location);
}
