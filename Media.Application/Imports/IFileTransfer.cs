using Media.Domain.Imports;
using Media.Domain.Libraries;

namespace Media.Application.Imports;

public enum TransferMode { PreferHardlink, HardlinkOnly, Copy }

/// <summary>
/// Bring <see cref="Source"/> (a finished download on local disk) to <see cref="Destination"/> (relative to the
/// root of <see cref="Library"/>, whichever storage provider holds it).
/// <see cref="ReplaceExisting"/>: the destination holds this title's previous file (an upgrade), which goes to
/// <see cref="RecycleFolder"/> once the new file is in place and verified.
/// </summary>
public sealed record TransferRequest(
    string Source, StorageLocation Library, string Destination, TransferMode Mode, bool ReplaceExisting = false, string RecycleFolder = ".recycle");

/// <summary>
/// How it went. A failure has a stable <see cref="ErrorCode"/> (destination_exists, source_missing, hardlink_failed,
/// verify_failed, permission_denied, invalid_destination, disk_full, read_only, io_error, storage_unavailable) and leaves
/// the library as it was: no staged file or partial blob, no folder made for it.
/// </summary>
public sealed record TransferOutcome(
    bool Succeeded, ImportMethod Method, long Size, string? ErrorCode = null, string? Message = null, string? Note = null,
    string? Recycled = null, bool AlreadyThere = false)
{
    public static TransferOutcome Failed(ImportMethod method, string code, string message) => new(false, method, 0, code, message);
}

/// <summary>
/// Moves bytes for the import pipeline: hardlink where the file system allows, else a verified copy; into an object
/// store, a verified upload (a copy: hardlinks do not exist there).
/// </summary>
public interface IFileTransfer
{
    Task<TransferOutcome> TransferAsync(TransferRequest request, CancellationToken ct);
}
