using Media.Application.Imports;
using Media.Application.Libraries;
using Media.Application.MediaItems;
using Media.Application.Parsing;
using Media.Application.Policies;
using Media.Application.Scanning;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.MediaItems;
using Media.Domain.Policies;
using Microsoft.Extensions.Logging;

namespace Media.Application.Downloads;

public sealed record ImportDownloadJob(DownloadJobId Id);

/// <summary>
/// Imports a completed job, or retries a failed one (POST /v1/download-jobs/{id}/import, and the monitor): picks the video
/// files of the download (no samples, extras, .nfo or .txt), maps a pack's files to its episodes by their names, imports
/// each through the import pipeline with its subtitles, then rescans the folders it filled. Whatever happens, the job
/// leaves <c>importing</c>: imported, or failed and retryable.
/// </summary>
public sealed class ImportDownloadJobHandler(
    IDownloadJobRepository jobs, IMediaItemRepository items, IDownloaderRepository downloaders, DownloadClients clients,
    ImportFileHandler importer, ImportSubtitlesHandler subtitles, GetImportActionsHandler actions, StartScanHandler scans,
    TimeProvider clock, ILogger<ImportDownloadJobHandler> logger)
{
    public async Task<Result<DownloadJobDto>> Handle(ImportDownloadJob cmd, CancellationToken ct)
    {
        if (await jobs.FindAsync(cmd.Id, ct) is not { } job) return DownloadJobErrors.NotFound(cmd.Id);
        var started = job.StartImport(clock.GetUtcNow());
        if (started.IsFailure) return started.Error!;
        // Another instance may have started this import a moment ago (the job's concurrency token): then it is theirs.
        var claimed = await jobs.SaveAsync(ct);
        if (claimed.IsFailure) return claimed.Error!;

        var (failures, imported) = await ImportFilesAsync(job, ct);

        var finished = await ReloadImportingAsync(job.Id, ct);
        if (finished.IsFailure) return Stopped(job.Id, finished.Error!);
        job = finished.Value;
        var now = clock.GetUtcNow();
        if (failures.Count == 0)
        {
            var done = job.Imported(now);
            if (done.IsFailure) return done.Error!;
        }
        else job.Fail(string.Join(" ", failures), now);
        var saved = await jobs.SaveAsync(ct);
        if (saved.IsFailure) return Stopped(job.Id, saved.Error!);
        logger.LogInformation("Download job {Job} import: {Status} {Error}", job.Id.Value, job.Status, job.Error);

        // So that library and disk agree: a scan of each folder that received files (a running scan covers it already).
        foreach (var folder in imported.Select(p => p.Contains('/', StringComparison.Ordinal) ? p[..p.LastIndexOf('/')] : null).OfType<string>().Distinct())
        {
            var scan = await scans.Handle(new StartScan(job.LibraryId, folder), ct);
            if (scan.IsFailure && scan.Error!.Kind != ErrorKind.Conflict) // a conflict: a scan of the library is running and covers it
                logger.LogWarning("Download job {Job}: no rescan of '{Folder}': {Code} {Error}", job.Id.Value, folder, scan.Error.Code, scan.Error.Message);
        }
        return job.ToDto();
    }

    /// <summary>Imports the files; what went wrong, per file, and the destinations of what arrived. Never throws but for cancellation.</summary>
    private async Task<(List<string> Failures, List<string> Imported)> ImportFilesAsync(DownloadJob job, CancellationToken ct)
    {
        var failures = new List<string>();
        var imported = new List<string>();
        try
        {
            var downloader = await downloaders.FindAsync(job.DownloaderId, ct);
            var status = downloader is null || job.ClientReference is null ? null : await clients.For(downloader).GetAsync(job.ClientReference, ct);
            var item = await items.FindAsync(job.MediaItemId, ct);
            var plan = await actions.Handle(new GetImportActions(job.LibraryId), ct);
            if (status is null || item is null)
            {
                failures.Add("The download or its title is gone.");
                return (failures, imported);
            }
            var videos = status.Files.Select(f => (File: f, Parsed: NameParser.Parse(f.Path)))
                .Where(f => f.Parsed.IsVideo && !f.Parsed.IsSample && !f.Parsed.IsExtra && !f.Parsed.IsPartial).ToList();
            if (videos.Count == 0) failures.Add("no_video_file: the download holds no video file of the title.");
            var wanted = job.Episodes.Select(e => e.EpisodeId).ToHashSet();
            var biggest = videos.Count == 0 ? null : videos.OrderByDescending(v => v.File.Size).First().File;
            foreach (var (file, parsed) in videos)
            {
                IReadOnlyList<EpisodeId> episodes = [];
                if (item.Type == MediaType.Series)
                {
                    var season = parsed.Season;
                    episodes = parsed.Episodes.Select(n => season is null ? null : item.FindEpisode(season.Value, n)).OfType<Episode>()
                        .Select(e => e.Id).Where(e => wanted.Count == 0 || wanted.Contains(e)).ToList();
                    if (episodes.Count == 0)
                    {
                        if (videos.Count == 1 && wanted.Count > 0) episodes = [.. wanted];
                        else continue; // a file of another episode than the job's
                    }
                }
                else if (file != biggest) continue; // a movie is its biggest video

                var result = await importer.Handle(new ImportFile(job.LibraryId, Path.Combine(status.SavePath, file.Path), item.Id, episodes, job.Id,
                    plan.Mode, MoviePattern: item.Type == MediaType.Movie ? plan.Pattern : null, EpisodePattern: item.Type == MediaType.Series ? plan.Pattern : null), ct);
                if (result.IsFailure) failures.Add($"{file.Path}: {result.Error!.Message}");
                else
                {
                    imported.Add(result.Value.DestinationPath);
                    await subtitles.Handle(new ImportSubtitles(status, file, result.Value.DestinationPath, job.LibraryId, plan.Mode), ct);
                }

                // Alive: an import that stops reporting is taken as abandoned. Someone else ending it stops this one.
                var alive = await ReloadImportingAsync(job.Id, ct);
                if (alive.IsFailure)
                {
                    failures.Add($"The import stopped: {alive.Error!.Message}");
                    return (failures, imported);
                }
                alive.Value.StillImporting(clock.GetUtcNow());
                var beat = await jobs.SaveAsync(ct);
                if (beat.IsFailure)
                {
                    failures.Add($"The import stopped: {beat.Error!.Message}");
                    return (failures, imported);
                }
            }
            if (failures.Count == 0 && plan.RemoveTorrent && downloader is not null && job.ClientReference is not null)
                await clients.For(downloader).RemoveAsync(job.ClientReference, ct); // the data stays
        }
        catch (DownloadClientException e)
        {
            failures.Add(e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Download job {Job}: the import failed unexpectedly", job.Id.Value);
            failures.Add($"The import failed unexpectedly: {e.Message}");
        }
        return (failures, imported);
    }

    /// <summary>
    /// The job as the database has it now, still importing. What a failed save of a file import left pending is dropped
    /// here, on purpose: that file's attempt is recorded (or the scan finds the file), and the job must still end.
    /// </summary>
    private async Task<Result<DownloadJob>> ReloadImportingAsync(DownloadJobId id, CancellationToken ct)
    {
        jobs.DiscardChanges();
        if (await jobs.FindAsync(id, ct) is not { } job) return DownloadJobErrors.NotFound(id);
        return job.Status == DownloadStatus.Importing ? job : DownloadJobErrors.WrongStatus(id, job.Status);
    }

    private Error Stopped(DownloadJobId id, Error error)
    {
        logger.LogWarning("Download job {Job}: the import could not be recorded: {Code} {Error}", id.Value, error.Code, error.Message);
        return error;
    }
}

public sealed record GetImportActions(LibraryId Library);

/// <summary>How an import into the library runs, from its policies: the transfer mode, the name pattern, whether the torrent goes.</summary>
public sealed record ImportPlan(TransferMode? Mode, string? Pattern, bool RemoveTorrent);

public sealed class GetImportActionsHandler(IPolicyRepository policies, INameTemplateRepository templates)
{
    public async Task<ImportPlan> Handle(GetImportActions query, CancellationToken ct)
    {
        var actions = ImportActions.Of(await policies.ListAsync(new PoliciesOf(query.Library), ct));
        TransferMode? mode = actions.Method switch
        {
            ImportMethodChoice.Copy => TransferMode.Copy,
            ImportMethodChoice.HardlinkOnly => TransferMode.HardlinkOnly,
            ImportMethodChoice.Hardlink => TransferMode.PreferHardlink,
            _ => null,
        };
        var pattern = actions.Template is { } id && await templates.FindAsync(id, ct) is { } template ? template.Pattern : null;
        return new ImportPlan(mode, pattern, actions.RemoveTorrent);
    }
}

public sealed record ImportSubtitles(TorrentStatus Download, TorrentFile Video, string Destination, LibraryId Library, TransferMode? Mode);

/// <summary>Subtitles beside the video ("movie.en.srt", "movie.eng.forced.ass") come along, named after it; a failure is logged, not fatal.</summary>
public sealed class ImportSubtitlesHandler(ILibraryRepository libraries, IFileTransfer transfer, ILogger<ImportSubtitlesHandler> logger)
{
    private static readonly string[] Extensions = [".srt", ".ass", ".ssa", ".vtt"];

    public async Task Handle(ImportSubtitles cmd, CancellationToken ct)
    {
        var stem = Path.ChangeExtension(cmd.Video.Path, null);
        var folder = Path.GetDirectoryName(cmd.Video.Path) ?? "";
        if (await libraries.FindAsync(cmd.Library, ct) is not { } library) return;
        foreach (var subtitle in cmd.Download.Files.Where(f => Extensions.Any(e => f.Path.EndsWith(e, StringComparison.OrdinalIgnoreCase))))
        {
            var name = Path.GetFileName(subtitle.Path);
            var sameFolder = (Path.GetDirectoryName(subtitle.Path) ?? "") == folder || Path.GetFileName(Path.GetDirectoryName(subtitle.Path) ?? "").StartsWith("sub", StringComparison.OrdinalIgnoreCase);
            if (!sameFolder) continue;
            var videoName = Path.GetFileName(stem);
            // "movie.en.srt" beside "movie.mkv" keeps ".en"; a lone "English.srt" in a Subs folder keeps its name as the tag.
            var tags = name.StartsWith(videoName + ".", StringComparison.OrdinalIgnoreCase) ? name[(videoName.Length + 1)..] : name;
            var target = $"{Path.ChangeExtension(cmd.Destination, null)}.{tags}";
            var outcome = await transfer.TransferAsync(new TransferRequest(Path.Combine(cmd.Download.SavePath, subtitle.Path), library.Storage, target,
                cmd.Mode ?? TransferMode.PreferHardlink), ct);
            if (!outcome.Succeeded) logger.LogWarning("Subtitle {Subtitle} not imported: {Code} {Error}", subtitle.Path, outcome.ErrorCode, outcome.Message);
        }
    }
}
