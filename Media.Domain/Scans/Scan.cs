using Media.Domain.Common;

namespace Media.Domain.Scans;

public enum ScanStatus { Queued, Running, Completed, Failed }

/// <summary>What a walk passed over on purpose, by reason: nothing is skipped without being counted.</summary>
public sealed record ScanSkips(
    int SystemFolders, int ExtrasFolders, int UnreadableFolders, int NotVideo, int Samples, int Extras, int Partial)
{
    public static readonly ScanSkips None = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>A file or folder the scan could not take in, and why: a link out of the root, a name it cannot store...</summary>
public sealed record ScanProblem(string Path, string Kind, string Message);

/// <summary>
/// One walk of a library (or of one folder of it) and what it found. At most one scan per library is queued or
/// running; a scan whose worker stopped sending heartbeats is abandoned and may be replaced.
/// </summary>
public sealed class Scan
{
    public const int MaxErrorLength = 4000;

    /// <summary>Problems kept with the scan (all are counted; the first ones are listed).</summary>
    public const int MaxProblems = 100;

    private const int MaxProblemText = 1000;

    private readonly List<ScanProblem> _problems = [];

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

    /// <summary>Every file the walk met, media or not.</summary>
    public int FilesWalked { get; private set; }

    /// <summary>Video files the scan met but could not record (their problem says why).</summary>
    public int FilesFailed { get; private set; }

    public ScanSkips Skipped { get; private set; } = ScanSkips.None;
    public int ProblemCount { get; private set; }
    public IReadOnlyList<ScanProblem> Problems => _problems;

    /// <summary>The instance that ran (or runs) the scan: its name, host:pid.</summary>
    public string? RunBy { get; private set; }

    /// <summary>The folder being walked, while the scan runs.</summary>
    public string? CurrentFolder { get; private set; }
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

    /// <summary>The rest of the live picture: files walked and failed, what was skipped, where the walk is.</summary>
    public void Tally(int walked, int failed, ScanSkips skipped, string? folder)
    {
        if (Status != ScanStatus.Running) return;
        if (walked < 0 || failed < 0) throw new ArgumentOutOfRangeException(nameof(walked), "Counters are not negative.");
        (FilesWalked, FilesFailed, Skipped, CurrentFolder) = (walked, failed, skipped ?? ScanSkips.None, folder);
    }

    public void Problem(ScanProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ProblemCount++;
        if (_problems.Count < MaxProblems)
            _problems.Add(problem with { Path = Cut(problem.Path), Message = Cut(problem.Message) });
    }

    private static string Cut(string text) => text.Length <= MaxProblemText ? text : text[..MaxProblemText];

    public void Complete(DateTimeOffset at)
    {
        if (Status != ScanStatus.Running) throw new InvalidOperationException("Only a running scan completes.");
        (Status, FinishedAt, HeartbeatAt, CurrentFolder) = (ScanStatus.Completed, at, at, null);
    }

    public void Fail(string error, DateTimeOffset at)
    {
        if (!IsActive) return;
        if (string.IsNullOrWhiteSpace(error)) throw new ArgumentException("A failed scan says why.", nameof(error));
        Status = ScanStatus.Failed;
        Error = error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
        (FinishedAt, HeartbeatAt, CurrentFolder) = (at, at, null);
    }

    /// <summary>
    /// A running scan whose worker has been silent for longer than <paramref name="timeout"/>. A queued scan is never
    /// abandoned: it waits its turn behind others, however long that takes.
    /// </summary>
    public bool IsAbandoned(DateTimeOffset now, TimeSpan timeout) => Status == ScanStatus.Running && now - HeartbeatAt > timeout;
}

public static class ScanErrors
{
    public static Error NotFound(ScanId id) => Common.Error.NotFound("scan.not_found", $"Scan {id.Value} does not exist.");
    public static Error NotQueued(ScanId id) => Common.Error.Conflict("scan.not_queued", $"Scan {id.Value} is not queued.");
    public static Error AlreadyRunning(LibraryId library) =>
        Common.Error.Conflict("scan.already_running", $"A scan of library {library.Value} is already queued or running.");
}
