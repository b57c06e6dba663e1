using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.Scans;

namespace Media.Application.Scanning;

/// <summary>A media file a new path may be: found by the media-file id stored in the new file, or by device and inode.</summary>
public sealed record MoveCandidate(
    MediaFileId Id, LibraryId LibraryId, string Path, long Size, bool Exists, long? Device, long? Inode, DateTimeOffset? ModifiedAt, bool? Tagged);

/// <summary>A known file found at a new path (maybe in another library of the same kind), and how it was recognised.</summary>
public sealed record FileMove(MediaFileId File, Library To, string From, string ToPath, FileProbe Probe, MoveEvidence How, string? Note);

/// <summary>
/// What recognising moves needs of the database, beside the scan's own store: lookups and the replaced and seen files in
/// the scan's unit of work; moves in a unit of work of their own, so that they can be written while the scan goes on.
/// </summary>
public interface IFileMoveStore
{
    /// <summary>Media files of any library with one of these ids or inodes.</summary>
    Task<IReadOnlyList<MoveCandidate>> CandidatesAsync(IReadOnlyCollection<MediaFileId> ids, IReadOnlyCollection<long> inodes, CancellationToken ct);

    /// <summary>
    /// Each file takes its new path (and library), exists again with what its file system says, and gets a move entry in
    /// its history. A move the database refuses is a problem on that file, never the end of the batch. Written in a unit of
    /// work of its own: may run while the scan's own store is in use (one call at a time).
    /// </summary>
    Task<IReadOnlyList<ScanProblem>> MoveAsync(IReadOnlyList<FileMove> moves, DateTimeOffset at, CancellationToken ct);

    /// <summary>Another file is at this file's path now: it is missing and gives its path up (<see cref="Domain.MediaFiles.MediaFile.Replaced"/>).</summary>
    Task ReplacedAsync(MediaFileId file, DateTimeOffset at, CancellationToken ct);

    /// <summary>Device, inode and last change of files seen again (the same files), for the next scan's comparisons.</summary>
    Task RecordDiskAsync(IReadOnlyCollection<(MediaFileId Id, FileProbe Probe)> files, CancellationToken ct);
}
