using Media.Domain.Common;

namespace Media.Domain.Scans;

public enum ScanStatus { Queued, Running, Completed, Failed }

/// <summary>
/// One walk of a library (or of one folder of it) and what it found. At most one scan per library is queued or
/// running; a scan whose worker stopped sending heartbeats is abandoned and may be replaced.
/// </summary>
public sealed class Scan
{
    public const int MaxErrorLength = 4000;

    private Scan() { } // for EF

    public ScanId Id { get; private set; }
    public LibraryId LibraryId { get; private set; }

    /// <summary>The library-relative folder scanned; null for the whole library.</summary>
    public string? Folder { get; private set; }

    public ScanStatus Status { get; private set; }
    public int FilesSeen { get; private set; }
    public int FilesIdentified { get; private set; }
    public int FilesUnmatched { get; private set; }
    public int FilesMissing { get; private set; }
    public DateTimeOffset QueuedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public DateTimeOffset HeartbeatAt { get; private set; }
    public string? Error { get; private set; }

    public bool IsActive => Status is ScanStatus.Queued or ScanStatus.Running;

    public static Result<Scan> Queue(LibraryId library, string? folder, DateTimeOffset at)
    {
        string? normalized = null;
        if (folder is not null)
        {
            var path = RelativePath.Normalize(folder, "path");
            if (path.IsFailure) return path.Error!;
            normalized = path.Value;
        }
        return new Scan
        {
            Id = ScanId.New(), LibraryId = library, Folder = normalized, Status = ScanStatus.Queued,
            QueuedAt = at, HeartbeatAt = at,
        };
    }

    public Result Start(DateTimeOffset at)
    {
        if (Status != ScanStatus.Queued) return ScanErrors.NotQueued(Id);
        (Status, StartedAt, HeartbeatAt) = (ScanStatus.Running, at, at);
        return Result.Ok();
    }

    /// <summary>Live counters; also the heartbeat that shows the worker is alive.</summary>
    public void Progress(int seen, int identified, int unmatched, int missing, DateTimeOffset at)
    {
        if (Status != ScanStatus.Running) return;
        if (seen < 0 || identified < 0 || unmatched < 0 || missing < 0) throw new ArgumentOutOfRangeException(nameof(seen), "Counters are not negative.");
        (FilesSeen, FilesIdentified, FilesUnmatched, FilesMissing, HeartbeatAt) = (seen, identified, unmatched, missing, at);
    }

    public void Complete(DateTimeOffset at)
    {
        if (Status != ScanStatus.Running) throw new InvalidOperationException("Only a running scan completes.");
        (Status, FinishedAt, HeartbeatAt) = (ScanStatus.Completed, at, at);
    }

    public void Fail(string error, DateTimeOffset at)
    {
        if (!IsActive) return;
        if (string.IsNullOrWhiteSpace(error)) throw new ArgumentException("A failed scan says why.", nameof(error));
        Status = ScanStatus.Failed;
        Error = error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
        (FinishedAt, HeartbeatAt) = (at, at);
    }

    /// <summary>An active scan whose worker has been silent for longer than <paramref name="timeout"/>.</summary>
    public bool IsAbandoned(DateTimeOffset now, TimeSpan timeout) => IsActive && now - HeartbeatAt > timeout;
}

public static class ScanErrors
{
    public static Error NotFound(ScanId id) => Common.Error.NotFound("scan.not_found", $"Scan {id.Value} does not exist.");
    public static Error NotQueued(ScanId id) => Common.Error.Conflict("scan.not_queued", $"Scan {id.Value} is not queued.");
    public static Error AlreadyRunning(LibraryId library) =>
        Common.Error.Conflict("scan.already_running", $"A scan of library {library.Value} is already queued or running.");
}
