using Media.Domain.Common;

namespace Media.Domain.Downloads;

public enum DownloadStatus { Queued, Downloading, Completed, Importing, Imported, Failed }

/// <summary>One episode a download job is for. There is no season id: the season follows from the episode.</summary>
public sealed record DownloadJobEpisode(EpisodeId EpisodeId);

/// <summary>A release handed to a download client for a title (and some of its episodes), until it is imported.</summary>
public sealed class DownloadJob
{
    private readonly List<DownloadJobEpisode> _episodes = [];

    private DownloadJob() { } // for EF

    public DownloadJobId Id { get; private set; }
    public MediaItemId MediaItemId { get; private set; }
    public LibraryId LibraryId { get; private set; }
    public DownloaderId DownloaderId { get; private set; }
    public string Source { get; private set; } = "";
    public DownloadStatus Status { get; private set; }
    public double Progress { get; private set; }
    public string? ClientReference { get; private set; }
    public string? SavePath { get; private set; }
    public string? Error { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyCollection<DownloadJobEpisode> Episodes => _episodes;

    public static DownloadJob Queue(
        MediaItemId item, IEnumerable<EpisodeId> episodes, LibraryId library, DownloaderId downloader, string source, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(source)) throw new ArgumentException("A source is required.", nameof(source));
        var job = new DownloadJob
        {
            Id = DownloadJobId.New(), MediaItemId = item, LibraryId = library, DownloaderId = downloader,
            Source = source, Status = DownloadStatus.Queued, CreatedAt = at, UpdatedAt = at,
        };
        job._episodes.AddRange(episodes.Distinct().Select(e => new DownloadJobEpisode(e)));
        return job;
    }

    public Result Progressed(string clientReference, double progress, string? savePath, DateTimeOffset at)
    {
        if (Status is not (DownloadStatus.Queued or DownloadStatus.Downloading)) return DownloadJobErrors.WrongStatus(Id, Status);
        (ClientReference, SavePath, UpdatedAt, Error) = (clientReference, savePath ?? SavePath, at, null);
        Progress = Math.Clamp(progress, 0, 1);
        Status = Progress >= 1 ? DownloadStatus.Completed : DownloadStatus.Downloading;
        return Result.Ok();
    }

    public Result StartImport(DateTimeOffset at)
    {
        if (Status is not (DownloadStatus.Completed or DownloadStatus.Failed)) return DownloadJobErrors.WrongStatus(Id, Status);
        (Status, UpdatedAt, Error) = (DownloadStatus.Importing, at, null);
        return Result.Ok();
    }

    /// <summary>An import in progress reports that it is alive (after each file), so that it is not taken as abandoned.</summary>
    public void StillImporting(DateTimeOffset at)
    {
        if (Status == DownloadStatus.Importing) UpdatedAt = at;
    }

    /// <summary>An import whose instance stopped reporting for <paramref name="after"/> (it died, or was stopped mid-import).</summary>
    public bool IsAbandonedImport(DateTimeOffset now, TimeSpan after) => Status == DownloadStatus.Importing && now - UpdatedAt > after;

    public Result Imported(DateTimeOffset at)
    {
        if (Status != DownloadStatus.Importing) return DownloadJobErrors.WrongStatus(Id, Status);
        (Status, UpdatedAt) = (DownloadStatus.Imported, at);
        return Result.Ok();
    }

    /// <summary>The client could not be asked (down, refused): the job stays where it is, with the reason noted.</summary>
    public void ClientProblem(string error, DateTimeOffset at) => (Error, UpdatedAt) = (error, at);

    public void Fail(string error, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(error)) throw new ArgumentException("A failure carries a message.", nameof(error));
        (Status, Error, UpdatedAt) = (DownloadStatus.Failed, error, at);
    }
}

/// <summary>Every refusal about download jobs, one kind per code.</summary>
public static class DownloadJobErrors
{
    public static Error NotFound(DownloadJobId id) => Error.NotFound("download_job.not_found", $"Download job {id.Value} does not exist.");

    public static Error WrongStatus(DownloadJobId id, DownloadStatus status) =>
        Error.Conflict("download_job.status", $"Download job {id.Value} is {status.ToString().ToLowerInvariant()}.");

    // A job names other aggregates in its body: one that does not exist makes the request one that cannot be carried out.
    public static Error UnknownMediaItem(MediaItemId id) =>
        Error.Unprocessable("download_job.unknown_media_item", $"The media item {id.Value} does not exist.");

    public static Error UnknownLibrary(LibraryId id) =>
        Error.Unprocessable("download_job.unknown_library", $"The library {id.Value} does not exist.");

    public static Error UnknownDownloader(DownloaderId id) =>
        Error.Unprocessable("download_job.unknown_downloader", $"The download client {id.Value} does not exist.");

    public static Error DownloaderDisabled(DownloaderId id) =>
        Error.Unprocessable("download_job.downloader_disabled", $"The download client {id.Value} is disabled.");

    public static Error PolicyRejected(string release, IReadOnlyList<string> reasons) =>
        Error.Unprocessable("policy.rejected", $"The library's policy rejects '{release}': {string.Join(" ", reasons)}") with
        {
            Fields = new Dictionary<string, string[]> { ["reasons"] = [.. reasons] },
        };
}
