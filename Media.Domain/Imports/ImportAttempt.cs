using Media.Domain.Common;

namespace Media.Domain.Imports;

/// <summary>
/// How a file came into the library: <see cref="Xattr"/> a new file identified by the identity stored in it (no
/// metadata request); <see cref="Move"/> a known file found at another path (renamed or moved).
/// </summary>
public enum ImportMethod { Hardlink, Copy, Scan, ManualMatch, Xattr, Move }

/// <summary>How a moved file was recognised: the media-file id stored in it (xattr), or its device, inode and size.</summary>
public enum MoveEvidence { Xattr, Inode }

/// <summary>
/// One attempt to bring a file into a library, kept whatever its outcome: how a file got there, or why it did not.
/// A success names its media file; a failure carries a stable code and a message.
/// </summary>
public sealed class ImportAttempt
{
    public const int MaxMessageLength = 4000;

    private ImportAttempt() { } // for EF

    public ImportAttemptId Id { get; private set; }
    public MediaFileId? MediaFileId { get; private set; }
    public DownloadJobId? DownloadJobId { get; private set; }
    public ImportMethod Method { get; private set; }
    public string SourcePath { get; private set; } = "";
    public string DestinationPath { get; private set; } = "";
    public bool Succeeded { get; private set; }
    public string? ErrorCode { get; private set; }

    /// <summary>Why it failed; on a success, a note that must not be silent (a copy made because a hardlink was impossible).</summary>
    public string? Error { get; private set; }

    public DateTimeOffset AttemptedAt { get; private set; }

    /// <summary>For a <see cref="ImportMethod.Move"/>: how the file was recognised at its new path.</summary>
    public MoveEvidence? RecognisedBy { get; private set; }

    /// <summary>A known file found at another path: from where, to where, when and how it was recognised.</summary>
    public static ImportAttempt Moved(MediaFileId file, string from, string to, MoveEvidence how, DateTimeOffset at, string? note = null)
    {
        var moved = Success(ImportMethod.Move, file, from, to, at, note: note);
        moved.RecognisedBy = how;
        return moved;
    }

    public static ImportAttempt Success(
        ImportMethod method, MediaFileId file, string source, string destination, DateTimeOffset at,
        DownloadJobId? job = null, string? note = null)
    {
        if (file == default) throw new ArgumentException("A successful import names its media file.", nameof(file));
        return new ImportAttempt
        {
            Id = ImportAttemptId.New(), MediaFileId = file, DownloadJobId = job, Method = method,
            SourcePath = source ?? "", DestinationPath = destination ?? "", Succeeded = true,
            Error = string.IsNullOrWhiteSpace(note) ? null : Truncate(note), AttemptedAt = at,
        };
    }

    public static ImportAttempt Failure(
        ImportMethod method, string errorCode, string message, string source, string destination, DateTimeOffset at,
        DownloadJobId? job = null, MediaFileId? file = null)
    {
        if (string.IsNullOrWhiteSpace(errorCode)) throw new ArgumentException("A failed import carries an error code.", nameof(errorCode));
        if (string.IsNullOrWhiteSpace(message)) throw new ArgumentException("A failed import carries a message.", nameof(message));
        return new ImportAttempt
        {
            Id = ImportAttemptId.New(), MediaFileId = file, DownloadJobId = job, Method = method,
            SourcePath = source ?? "", DestinationPath = destination ?? "", Succeeded = false,
            ErrorCode = errorCode, Error = Truncate(message), AttemptedAt = at,
        };
    }

    private static string Truncate(string text) => text.Length <= MaxMessageLength ? text : text[..MaxMessageLength];
}
