using Ardalis.Specification;
using Media.Application.Common;
using Media.Application.Imports;
using Media.Application.Libraries;
using Media.Application.MediaItems;
using Media.Application.Parsing;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.MediaItems;
using Microsoft.Extensions.Logging;

namespace Media.Application.Downloads;

public interface IDownloadJobRepository : IRepository<DownloadJob, DownloadJobId>;

public sealed record DownloadJobDto(
    Guid Id, Guid MediaItemId, IReadOnlyList<Guid> EpisodeIds, Guid DownloaderId, Guid LibraryId, string Source, DownloadStatus Status,
    double Progress, string? Hash, string? SavePath, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What a client sends: the title (and episodes), where it goes, which client, and the release.</summary>
public sealed record DownloadJobInput(Guid? MediaItemId, IReadOnlyList<Guid>? EpisodeIds, Guid? DownloaderId, Guid? LibraryId, string? Source, string? Torrent);

public sealed class ActiveDownloadJobs : Specification<DownloadJob>
{
    public ActiveDownloadJobs() =>
        Query.Where(j => j.Status == DownloadStatus.Queued || j.Status == DownloadStatus.Downloading || j.Status == DownloadStatus.Completed);
}

public sealed class DownloadJobsPage : Specification<DownloadJob>
{
    public static readonly IReadOnlyList<string> SortKeys = ["createdAt"];

    public DownloadJobsPage(PageRequest page)
    {
        Query.AsNoTracking();
        Query.OrderByThenId(j => j.CreatedAt, j => j.Id, page.SortKey is null ? SortDirection.Desc : page.Direction);
        Query.Page(page);
    }
}

/// <summary>Clients that did not answer: asked again after a pause that doubles per failure (up to ten minutes).</summary>
public sealed class DownloaderBackoff(TimeProvider clock)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DownloaderId, (int Failures, DateTimeOffset Next)> _down = new();

    public bool MayAsk(DownloaderId id) => !_down.TryGetValue(id, out var state) || clock.GetUtcNow() >= state.Next;

    public void Failed(DownloaderId id) => _down.AddOrUpdate(id,
        _ => (1, clock.GetUtcNow() + TimeSpan.FromSeconds(5)),
        (_, s) => (s.Failures + 1, clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, s.Failures)))));

    public void Answered(DownloaderId id) => _down.TryRemove(id, out _);
}

public sealed class DownloadJobHandler(
    IDownloadJobRepository jobs, IMediaItemRepository items, ILibraryRepository libraries, IDownloaderRepository downloaders,
    DownloaderHandler clients, IDownloadClientFactory factory, ImportFileHandler importer, Policies.IPolicyRepository policies,
    Policies.INameTemplateRepository templates, IFileTransfer transfer, Scanning.StartScanHandler scans, DownloaderBackoff backoff, TimeProvider clock,
    ILogger<DownloadJobHandler> logger)
{
    public async Task<PagedList<DownloadJobDto>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var spec = new DownloadJobsPage(page);
        var found = await jobs.ListAsync(spec, ct);
        return new PagedList<DownloadJobDto>(found.Select(ToDto).ToList(), page.Page, page.PageSize, await jobs.CountAsync(spec, ct));
    }

    public async Task<Result<DownloadJobDto>> GetAsync(DownloadJobId id, CancellationToken ct) =>
        await jobs.FindAsync(id, ct) is { } job ? ToDto(job) : Error.NotFound("download_job.not_found", $"Download job {id.Value} does not exist.");

    /// <summary>Validates the job, hands the release to the client, and records it as queued.</summary>
    public async Task<Result<DownloadJobDto>> CreateAsync(DownloadJobInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.MediaItemId is null) errors["mediaItemId"] = ["A media item is required."];
        if (input.LibraryId is null) errors["libraryId"] = ["A library is required."];
        if (input.DownloaderId is null) errors["downloaderId"] = ["A download client is required."];
        byte[]? torrent = null;
        if (!string.IsNullOrWhiteSpace(input.Torrent))
        {
            try { torrent = Convert.FromBase64String(input.Torrent); }
            catch (FormatException) { errors["torrent"] = ["The .torrent file must be base64."]; }
        }
        else if (string.IsNullOrWhiteSpace(input.Source) || !(input.Source.StartsWith("magnet:?", StringComparison.OrdinalIgnoreCase) ||
                 Uri.TryCreate(input.Source, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            errors["source"] = ["A magnet URI or an http(s) .torrent URL is required (or a base64 .torrent in 'torrent')."];
        if (errors.Count > 0) return Error.Validation("validation", "The download job is invalid.", errors);

        if (await items.FindAsync(new MediaItemId(input.MediaItemId!.Value), ct) is not { } item) return Error.Unprocessable("media_item.not_found", "The media item does not exist.");
        if (await libraries.FindAsync(new LibraryId(input.LibraryId!.Value), ct) is not { } library) return Error.Unprocessable("library.not_found", "The library does not exist.");
        if (await downloaders.FindAsync(new DownloaderId(input.DownloaderId!.Value), ct) is not { } downloader) return Error.Unprocessable("downloader.not_found", "The download client does not exist.");
        if (!downloader.Enabled) return Error.Unprocessable("downloader.disabled", "The download client is disabled.");
        if (!library.Holds(item.Type)) return Error.Validation("libraryId", $"The library '{library.Name}' does not hold {(item.Type == MediaType.Movie ? "movies" : "series")}.");
        var episodeIds = (input.EpisodeIds ?? []).Select(e => new EpisodeId(e)).Distinct().ToList();
        if (item.Type == MediaType.Series && episodeIds.Count == 0) return Error.Validation("episodeIds", "A series download names its episodes.");
        if (item.Type == MediaType.Movie && episodeIds.Count > 0) return Error.Validation("episodeIds", "A movie has no episodes.");
        var stranger = episodeIds.FirstOrDefault(e => !item.HasEpisode(e));
        if (stranger != default)
            return Error.Validation("episodeIds", $"Episode {stranger.Value} is not an episode of {item.Title}.");

        var source = torrent is null ? TorrentSource.FromUri(input.Source!) : TorrentSource.FromFile(torrent);
        var (releaseName, releaseSize) = TorrentMetadata.Read(source);
        var facts = new Domain.Policies.ReleaseFacts(releaseName, releaseSize, NameParser.Parse(releaseName).Resolution);
        var reasons = (await policies.ListAsync(new Policies.PoliciesOf(library.Id), ct)).SelectMany(p => p.Reasons(facts)).ToList();
        if (reasons.Count > 0)
            return Error.Unprocessable("policy.rejected", $"The library's policy rejects '{releaseName}': {string.Join(" ", reasons)}") with
            {
                Fields = new Dictionary<string, string[]> { ["reasons"] = [.. reasons] },
            };

        var now = clock.GetUtcNow();
        var job = DownloadJob.Queue(item.Id, episodeIds, library.Id, downloader.Id, torrent is null ? input.Source! : $"torrent file: {releaseName}", now);
        try
        {
            var hash = await Client(downloader).AddAsync(source, null, ct);
            job.Progressed(hash, 0, null, now);
        }
        catch (DownloadClientException e)
        {
            return Error.Unavailable("downloader.unreachable", e.Message);
        }
        var added = await jobs.AddAsync(job, ct);
        return added.IsSuccess ? ToDto(job) : added.Error!;
    }

    /// <summary>One round of the monitor: asks the clients about every active job and imports what completed.</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        foreach (var job in await jobs.ListAsync(new ActiveDownloadJobs(), ct))
        {
            var now = clock.GetUtcNow();
            if (job.Status == DownloadStatus.Completed)
            {
                await ImportAsync(job, ct);
                continue;
            }
            if (await downloaders.FindAsync(job.DownloaderId, ct) is not { } downloader || job.ClientReference is null) continue;
            if (!backoff.MayAsk(downloader.Id)) continue;
            try
            {
                var status = await Client(downloader).GetAsync(job.ClientReference, ct);
                backoff.Answered(downloader.Id);
                if (status is null) job.Fail("The download client no longer has this torrent.", now);
                else if (status.State == TorrentState.Error) job.ClientProblem($"The client reports an error: {status.Error}", now);
                else job.Progressed(job.ClientReference, status.State == TorrentState.Completed ? 1 : Math.Min(status.Progress, 0.999), status.SavePath, now);
            }
            catch (DownloadClientException e)
            {
                job.ClientProblem(e.Message, now); // the client is down: the job waits where it is
                backoff.Failed(downloader.Id);
            }
            await jobs.SaveAsync(ct);
            if (job.Status == DownloadStatus.Completed) await ImportAsync(job, ct);
        }
    }

    /// <summary>POST /v1/download-jobs/{id}/import: imports a completed job, or retries a failed one.</summary>
    public async Task<Result<DownloadJobDto>> ImportAsync(DownloadJobId id, CancellationToken ct)
    {
        if (await jobs.FindAsync(id, ct) is not { } job) return Error.NotFound("download_job.not_found", $"Download job {id.Value} does not exist.");
        if (job.Status is not (DownloadStatus.Completed or DownloadStatus.Failed))
            return DownloadJobErrors.WrongStatus(job.Id, job.Status);
        await ImportAsync(job, ct);
        return ToDto(job);
    }

    /// <summary>
    /// Picks the video files of the download (no samples, extras, .nfo or .txt), maps a pack's files to its episodes
    /// by their names, and imports each through the import pipeline.
    /// </summary>
    private async Task ImportAsync(DownloadJob job, CancellationToken ct)
    {
        var started = job.StartImport(clock.GetUtcNow());
        if (started.IsFailure) return;
        // Another instance's monitor may have started this import a moment ago: then it is theirs.
        if ((await jobs.SaveAsync(ct)).IsFailure) return;
        var failures = new List<string>();
        var imported = new List<string>();
        try
        {
            var downloader = await downloaders.FindAsync(job.DownloaderId, ct);
            var status = downloader is null || job.ClientReference is null ? null : await Client(downloader).GetAsync(job.ClientReference, ct);
            var item = await items.FindAsync(job.MediaItemId, ct);
            var (mode, pattern, removeTorrent) = await ActionsAsync(job.LibraryId, ct);
            if (status is null || item is null) failures.Add("The download or its title is gone.");
            else
            {
                var videos = status.Files.Select(f => (File: f, Parsed: NameParser.Parse(f.Path)))
                    .Where(f => f.Parsed.IsVideo && !f.Parsed.IsSample && !f.Parsed.IsExtra && !f.Parsed.IsPartial).ToList();
                if (videos.Count == 0) failures.Add("no_video_file: the download holds no video file of the title.");
                var wanted = job.Episodes.Select(e => e.EpisodeId).ToHashSet();
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
                    else if (videos.Count > 1 && file != videos.OrderByDescending(v => v.File.Size).First().File) continue; // a movie is its biggest video
                    var result = await importer.Handle(new ImportFile(job.LibraryId, Path.Combine(status.SavePath, file.Path), item.Id, episodes, job.Id,
                        mode, MoviePattern: item.Type == MediaType.Movie ? pattern : null, EpisodePattern: item.Type == MediaType.Series ? pattern : null), ct);
                    if (result.IsFailure)
                    {
                        failures.Add($"{file.Path}: {result.Error!.Message}");
                        continue;
                    }
                    imported.Add(result.Value.DestinationPath);
                    await SubtitlesAsync(status, file, result.Value.DestinationPath, job.LibraryId, mode, ct);
                }
                if (failures.Count == 0 && removeTorrent && downloader is not null && job.ClientReference is not null)
                    await Client(downloader).RemoveAsync(job.ClientReference, ct); // the data stays
            }
        }
        catch (DownloadClientException e)
        {
            failures.Add(e.Message);
        }
        var now = clock.GetUtcNow();
        if (failures.Count == 0) job.Imported(now);
        else job.Fail(string.Join(" ", failures), now);
        await jobs.SaveAsync(ct);

        // So that library and disk agree: a scan of each folder that received files (a running scan covers it already).
        foreach (var folder in imported.Select(p => p.Contains('/', StringComparison.Ordinal) ? p[..p.LastIndexOf('/')] : null).OfType<string>().Distinct())
            await scans.Handle(new Scanning.StartScan(job.LibraryId, folder), ct);
        logger.LogInformation("Download job {Job} import: {Status} {Error}", job.Id.Value, job.Status, job.Error);
    }

    /// <summary>Subtitles beside the video ("movie.en.srt", "movie.eng.forced.ass") come along, named after it.</summary>
    private async Task SubtitlesAsync(TorrentStatus status, TorrentFile video, string destination, LibraryId libraryId, TransferMode? mode, CancellationToken ct)
    {
        var stem = Path.ChangeExtension(video.Path, null);
        var folder = Path.GetDirectoryName(video.Path) ?? "";
        if (await libraries.FindAsync(libraryId, ct) is not { } library) return;
        foreach (var subtitle in status.Files.Where(f => f.Path.EndsWith(".srt", StringComparison.OrdinalIgnoreCase) || f.Path.EndsWith(".ass", StringComparison.OrdinalIgnoreCase)
                     || f.Path.EndsWith(".ssa", StringComparison.OrdinalIgnoreCase) || f.Path.EndsWith(".vtt", StringComparison.OrdinalIgnoreCase)))
        {
            var name = Path.GetFileName(subtitle.Path);
            var sameFolder = (Path.GetDirectoryName(subtitle.Path) ?? "") == folder || Path.GetFileName(Path.GetDirectoryName(subtitle.Path) ?? "").StartsWith("sub", StringComparison.OrdinalIgnoreCase);
            if (!sameFolder) continue;
            var videoName = Path.GetFileName(stem);
            // "movie.en.srt" beside "movie.mkv" keeps ".en"; a lone "English.srt" in a Subs folder keeps its name as the tag.
            var tags = name.StartsWith(videoName + ".", StringComparison.OrdinalIgnoreCase) ? name[(videoName.Length + 1)..] : name;
            var target = $"{Path.ChangeExtension(destination, null)}.{tags}";
            var outcome = await transfer.TransferAsync(new TransferRequest(Path.Combine(status.SavePath, subtitle.Path), library.Storage.Root, target,
                mode ?? TransferMode.PreferHardlink), ct);
            if (!outcome.Succeeded) logger.LogWarning("Subtitle {Subtitle} not imported: {Error}", subtitle.Path, outcome.Message);
        }
    }

    /// <summary>What the library's policies say the import does: method, name template, whether the torrent goes.</summary>
    private async Task<(Imports.TransferMode? Mode, string? Pattern, bool RemoveTorrent)> ActionsAsync(LibraryId library, CancellationToken ct)
    {
        var all = await policies.ListAsync(new Policies.PoliciesOf(library), ct);
        var method = all.Select(p => p.Action(Domain.Policies.ActionKind.ImportMethod)).LastOrDefault(a => a is not null);
        var template = all.Select(p => p.Action(Domain.Policies.ActionKind.NameTemplate)).LastOrDefault(a => a is not null);
        var remove = all.Select(p => p.Action(Domain.Policies.ActionKind.RemoveTorrent)).LastOrDefault(a => a is not null) == "true";
        Imports.TransferMode? mode = method switch
        {
            "copy" => Imports.TransferMode.Copy,
            "hardlink_only" => Imports.TransferMode.HardlinkOnly,
            "hardlink" => Imports.TransferMode.PreferHardlink,
            _ => null,
        };
        string? pattern = null;
        if (template is not null && Guid.TryParse(template, out var id) && await templates.FindAsync(new NameTemplateId(id), ct) is { } found) pattern = found.Pattern;
        return (mode, pattern, remove);
    }

    public async Task<Result> DeleteAsync(DownloadJobId id, CancellationToken ct)
    {
        if (await jobs.FindAsync(id, ct) is not { } job) return Error.NotFound("download_job.not_found", $"Download job {id.Value} does not exist.");
        if (job.ClientReference is not null && await downloaders.FindAsync(job.DownloaderId, ct) is { } downloader)
        {
            try { await Client(downloader).RemoveAsync(job.ClientReference, ct); }
            catch (DownloadClientException e) { return Error.Unavailable("downloader.unreachable", e.Message); }
        }
        return await jobs.RemoveAsync(job, ct);
    }

    private IDownloadClient Client(Downloader downloader) => factory.For(clients.Connection(downloader));

    private static DownloadJobDto ToDto(DownloadJob j) => new(
        j.Id.Value, j.MediaItemId.Value, j.Episodes.Select(e => e.EpisodeId.Value).ToList(), j.DownloaderId.Value, j.LibraryId.Value, j.Source,
        j.Status, j.Progress, j.ClientReference, j.SavePath, j.Error, j.CreatedAt, j.UpdatedAt);
}
