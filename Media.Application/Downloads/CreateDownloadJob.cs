using Media.Application.Libraries;
using Media.Application.MediaItems;
using Media.Application.Parsing;
using Media.Application.Policies;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.MediaItems;
using Media.Domain.Policies;

namespace Media.Application.Downloads;

public sealed record CreateDownloadJob(DownloadJobInput Input);

/// <summary>Validates the job, checks the library's policies, hands the release to the client, and records it as queued.</summary>
public sealed class CreateDownloadJobHandler(
    IDownloadJobRepository jobs, IMediaItemRepository items, ILibraryRepository libraries, IDownloaderRepository downloaders,
    IPolicyRepository policies, DownloadClients clients, TimeProvider clock)
{
    public async Task<Result<DownloadJobDto>> Handle(CreateDownloadJob cmd, CancellationToken ct)
    {
        var input = cmd.Input;
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

        var itemId = new MediaItemId(input.MediaItemId!.Value);
        var libraryId = new LibraryId(input.LibraryId!.Value);
        var downloaderId = new DownloaderId(input.DownloaderId!.Value);
        if (await items.FindAsync(itemId, ct) is not { } item) return DownloadJobErrors.UnknownMediaItem(itemId);
        if (await libraries.FindAsync(libraryId, ct) is not { } library) return DownloadJobErrors.UnknownLibrary(libraryId);
        if (await downloaders.FindAsync(downloaderId, ct) is not { } downloader) return DownloadJobErrors.UnknownDownloader(downloaderId);
        if (!downloader.Enabled) return DownloadJobErrors.DownloaderDisabled(downloaderId);
        if (!library.Holds(item.Type)) return Error.Validation("libraryId", $"The library '{library.Name}' does not hold {(item.Type == MediaType.Movie ? "movies" : "series")}.");
        var episodeIds = (input.EpisodeIds ?? []).Select(e => new EpisodeId(e)).Distinct().ToList();
        if (item.Type == MediaType.Series && episodeIds.Count == 0) return Error.Validation("episodeIds", "A series download names its episodes.");
        if (item.Type == MediaType.Movie && episodeIds.Count > 0) return Error.Validation("episodeIds", "A movie has no episodes.");
        var stranger = episodeIds.FirstOrDefault(e => !item.HasEpisode(e));
        if (stranger != default)
            return Error.Validation("episodeIds", $"Episode {stranger.Value} is not an episode of {item.Title}.");

        var source = torrent is null ? TorrentSource.FromUri(input.Source!) : TorrentSource.FromFile(torrent);
        var (releaseName, releaseSize) = TorrentMetadata.Read(source);
        var facts = new ReleaseFacts(releaseName, releaseSize, NameParser.Parse(releaseName).Resolution);
        var reasons = (await policies.ListAsync(new PoliciesOf(library.Id), ct)).SelectMany(p => p.Reasons(facts)).ToList();
        if (reasons.Count > 0) return DownloadJobErrors.PolicyRejected(releaseName, reasons);

        var now = clock.GetUtcNow();
        var job = DownloadJob.Queue(item.Id, episodeIds, library.Id, downloader.Id, torrent is null ? input.Source! : $"torrent file: {releaseName}", now);
        try
        {
            var hash = await clients.For(downloader).AddAsync(source, null, ct);
            var handed = job.Progressed(hash, 0, null, now);
            if (handed.IsFailure) return handed.Error!;
        }
        catch (DownloadClientException e)
        {
            return DownloaderErrors.Unreachable(e.Message);
        }
        var added = await jobs.AddAsync(job, ct);
        return added.IsSuccess ? job.ToDto() : added.Error!;
    }
}
