using Ardalis.Specification;
using Media.Application.Common;
using Media.Application.Libraries;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Application.Parsing;
using Media.Application.Settings;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Naming;

namespace Media.Application.Imports;

/// <summary>Bring one finished file into a library as the given title (and episodes), named by the library's template.</summary>
public sealed record ImportFile(
    LibraryId Library, string SourcePath, MediaItemId Item, IReadOnlyList<EpisodeId> Episodes, DownloadJobId? Job = null,
    TransferMode? Mode = null, string? MoviePattern = null, string? EpisodePattern = null);

public sealed class MediaFileAt : SingleResultSpecification<MediaFile>
{
    public MediaFileAt(LibraryId library, string path) => Query.Where(f => f.LibraryId == library && f.Path == path);
}

/// <summary>
/// The import pipeline's one use case. Every attempt leaves an import record: a success names its media file (and
/// says why a copy was made when a hardlink was wanted); a failure carries a stable code, and the disk is as it was.
/// </summary>
public sealed class ImportFileHandler(
    ILibraryRepository libraries, IMediaItemRepository items, IMediaFileRepository files, IImportAttemptRepository imports,
    IFileTransfer transfer, RuntimeSettings settings, TimeProvider clock, Probing.ImportContentCheck content, Probing.IProbeQueue probes,
    ILibraryStorageFactory? storages = null)
{
    public async Task<Result<ImportDto>> Handle(ImportFile cmd, CancellationToken ct)
    {
        if (await libraries.FindAsync(cmd.Library, ct) is not { } library) return LibraryErrors.NotFound(cmd.Library);
        if (await items.FindAsync(cmd.Item, ct) is not { } item) return MediaItemErrors.NotFound(cmd.Item);
        if (!library.Holds(item.Type)) return Error.Validation("mediaItemId", $"A {(item.Type == MediaType.Movie ? "movie" : "series")} cannot go into the library '{library.Name}'.");

        var episodes = new List<(int Season, Episode Episode)>();
        foreach (var id in cmd.Episodes.Distinct())
        {
            var found = item.Seasons.SelectMany(s => s.Episodes.Select(e => (s.Number, e))).FirstOrDefault(x => x.e.Id == id);
            if (found.e is null) return Error.Validation("episodeIds", $"Episode {id.Value} is not an episode of {item.Title}.");
            episodes.Add(found);
        }
        if (item.Type == MediaType.Series && episodes.Count == 0) return Error.Validation("episodeIds", "An episode file names its episodes.");
        if (item.Type == MediaType.Movie && episodes.Count > 0) return Error.Validation("episodeIds", "A movie has no episodes.");
        if (episodes.Select(e => e.Season).Distinct().Count() > 1) return Error.Validation("episodeIds", "The episodes of one file are in one season.");
        episodes.Sort((a, b) => a.Episode.Number.CompareTo(b.Episode.Number));

        var mode = cmd.Mode ?? (settings["import.defaultMethod"] == "copy" ? TransferMode.Copy : TransferMode.PreferHardlink);
        var method = mode == TransferMode.Copy ? ImportMethod.Copy : ImportMethod.Hardlink;
        var now = clock.GetUtcNow();
        var parsed = NameParser.Parse(cmd.SourcePath);
        if (!parsed.IsVideo || parsed.IsSample || parsed.IsExtra)
            return await FailAsync(method, "no_video_file", $"'{Path.GetFileName(cmd.SourcePath)}' is not a video file of the title (a sample, an extra, or another kind of file).", cmd, "", now, ct);

        var kind = item.Type == MediaType.Movie ? TemplateKind.Movie : TemplateKind.Episode;
        var pattern = kind == TemplateKind.Movie ? cmd.MoviePattern ?? NameTemplate.DefaultMoviePattern : cmd.EpisodePattern ?? NameTemplate.DefaultEpisodePattern;
        var name = TemplateRenderer.Render(pattern, kind, new NamingValues(
            item.Title, item.Year, item.TmdbId, item.OriginalTitle, parsed.Resolution,
            episodes.Count > 0 ? episodes[0].Season : null, episodes.Select(e => e.Episode.Number).ToList(), episodes.FirstOrDefault().Episode?.Title));
        if (name.IsFailure) return name.Error!;
        var destination = name.Value + Path.GetExtension(cmd.SourcePath).ToLowerInvariant();

        // The title's own file already at this path: an upgrade (the old one goes to the recycle folder).
        var current = await files.FirstOrDefaultAsync(new MediaFileAt(library.Id, destination), ct);
        var upgrade = current is not null && current.MediaItemId == item.Id && current.EpisodeId == episodes.FirstOrDefault().Episode?.Id;
        // What is inside the download, judged before anything moves: the library's content rules, and an upgrade's quality.
        // A source that is not there is the transfer's to report (source_missing).
        var verdict = File.Exists(cmd.SourcePath)
            ? await content.JudgeAsync(library, cmd.SourcePath, new FileInfo(cmd.SourcePath).Length, upgrade ? current : null, ct)
            : Probing.ContentVerdict.Accept();
        if (verdict.Refused) return await FailAsync(method, verdict.RefusalCode!, verdict.Refusal!, cmd, destination, now, ct);
        var outcome = await transfer.TransferAsync(new TransferRequest(
            cmd.SourcePath, library.Storage, destination, mode, ReplaceExisting: upgrade,
            RecycleFolder: settings["import.recycleFolder"] ?? ".recycle"), ct);
        if (!outcome.Succeeded) return await FailAsync(outcome.Method, outcome.ErrorCode!, outcome.Message!, cmd, destination, now, ct);

        MediaFile file;
        var notes = new List<string>();
        if (outcome.Note is not null) notes.Add(outcome.Note);
        notes.AddRange(verdict.Notes);
        if (episodes.Count > 1) notes.Add($"Holds episodes {string.Join(", ", episodes.Select(e => e.Episode.Number))}.");
        if (current is not null && (upgrade || outcome.AlreadyThere))
        {
            file = current;
            file.Verified(outcome.Size, now);
            if (outcome.Recycled is not null) notes.Add($"Replaced the previous file, now at '{outcome.Recycled}'.");
        }
        else
        {
            var created = MediaFile.CreateForEpisodes(library, item, episodes.Select(e => e.Episode).ToList(), destination, FileState.Verified(outcome.Size, now), now);
            if (created.IsFailure) return created.Error!;
            file = created.Value;
            files.Add(file);
        }
        // Its identity goes into the file (xattr) where the storage can hold it; where not, the state says why.
        if (storages is not null) IdentityTags.Stamp(storages.For(library.Storage), file, item);
        var record = ImportAttempt.Success(outcome.Method, file.Id, cmd.SourcePath, destination, now, cmd.Job, notes.Count > 0 ? string.Join(" ", notes) : null);
        imports.Add(record);
        var saved = await imports.SaveAsync(ct);
        if (saved.IsFailure) return saved.Error!;
        // A new file, or new bytes under an upgraded one: probed by the queue.
        await probes.RequestAsync([file.Id], now, ct);
        return record.To<ImportDto>();
    }

    private async Task<Result<ImportDto>> FailAsync(
        ImportMethod method, string code, string message, ImportFile cmd, string destination, DateTimeOffset at, CancellationToken ct)
    {
        var record = ImportAttempt.Failure(method, code, message, cmd.SourcePath, destination, at, cmd.Job);
        var added = await imports.AddAsync(record, ct);
        if (added.IsFailure) return added.Error!;
        return Error.Unprocessable($"import.{code}", message) with
        {
            Fields = new Dictionary<string, string[]> { ["importId"] = [record.Id.Value.ToString()], ["errorCode"] = [code] },
        };
    }
}
