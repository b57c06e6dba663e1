using Media.Domain.Imports;

namespace Media.Application.Imports;

public enum TransferMode { PreferHardlink, HardlinkOnly, Copy }

/// <summary>
/// Bring <see cref="Source"/> (a finished download) to <see cref="Destination"/> (relative to the library root).
/// <see cref="ReplaceExisting"/>: the destination holds this title's previous file (an upgrade), which goes to
/// <see cref="RecycleFolder"/> once the new file is in place and verified.
/// </summary>
public sealed record TransferRequest(
    string Source, string LibraryRoot, string Destination, TransferMode Mode, bool ReplaceExisting = false, string RecycleFolder = ".recycle");

/// <summary>
/// How it went. A failure has a stable <see cref="ErrorCode"/> (destination_exists, source_missing, hardlink_failed,
/// verify_failed, permission_denied, invalid_destination, disk_full, read_only, io_error) and leaves the disk as it was:
/// no staged file, no folder made for it.
/// </summary>
public sealed record TransferOutcome(
    bool Succeeded, ImportMethod Method, long Size, string? ErrorCode = null, string? Message = null, string? Note = null,
    string? Recycled = null, bool AlreadyThere = false)
{
    public static TransferOutcome Failed(ImportMethod method, string code, string message) => new(false, method, 0, code, message);
}

/// <summary>Moves bytes for the import pipeline: hardlink where the file system allows, else a verified copy.</summary>
public interface IFileTransfer
{
    Task<TransferOutcome> TransferAsync(TransferRequest request, CancellationToken ct);
}
