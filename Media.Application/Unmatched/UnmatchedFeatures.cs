using Ardalis.Specification;
using Mapster;
using Media.Application.Common;
using Media.Application.Imports;
using Media.Application.Libraries;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Application.Metadata;
using Media.Application.Parsing;
using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;

namespace Media.Application.Unmatched;

public sealed record SuggestionDto(int TmdbId, MediaType Type, string Title, int? Year, double Score);

/// <summary>What the name parser reads from a queued file's path, shown beside the suggestions.</summary>
public sealed record ParsedNameDto(string Kind, string? Title, int? Year, int? Season, IReadOnlyList<int> Episodes, string? Resolution)
{
    public static ParsedNameDto Of(string path)
    {
        var p = NameParser.Parse(path);
        var kind = p.Kind switch { ParsedKind.Movie => "movie", ParsedKind.Episode => "episode", _ => "other" };
        return new(kind, p.Title, p.Year, p.Season, p.Episodes, p.Resolution);
    }
}

public sealed record UnmatchedFileDto(
    Guid Id, Guid LibraryId, string Path, long Size, DateTimeOffset DiscoveredAt, UnmatchedStatus Status,
    IReadOnlyList<SuggestionDto> Suggestions, DateTimeOffset? ResolvedAt, Guid? MediaFileId, ParsedNameDto Parsed);

internal sealed class UnmatchedMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<UnmatchedFile, UnmatchedFileDto>().MapWith(u => new UnmatchedFileDto(
            u.Id.Value, u.LibraryId.Value, u.Path, u.Size, u.DiscoveredAt, u.Status,
            u.Suggestions.Select(s => new SuggestionDto(s.TmdbId, s.Type, s.Title, s.Year, s.Score)).ToList(),
            u.ResolvedAt, u.MediaFileId == null ? null : u.MediaFileId.Value.Value, ParsedNameDto.Of(u.Path)));
}

/// <summary>The queue's sort keys: it is always in discovery order (then id), ascending or descending.</summary>
public static class UnmatchedPage
{
    public static readonly IReadOnlyList<string> SortKeys = ["discoveredAt"];
}

public sealed record ListUnmatchedFiles(LibraryId? Library, UnmatchedStatus Status, PageRequest Page, string? Folder = null);

public sealed class ListUnmatchedFilesHandler(IUnmatchedFileRepository files)
{
    public async Task<PagedList<UnmatchedFileDto>> Handle(ListUnmatchedFiles query, CancellationToken ct)
    {
        var page = await files.QueuePageAsync(query.Library, query.Status, query.Folder, query.Page, ct);
        return new PagedList<UnmatchedFileDto>(page.Items.To<List<UnmatchedFileDto>>(), page.Page, page.PageSize, page.TotalCount);
    }
}

public sealed record GetUnmatchedFile(UnmatchedFileId Id);

public sealed class GetUnmatchedFileHandler(IUnmatchedFileRepository files)
{
    public async Task<Result<UnmatchedFileDto>> Handle(GetUnmatchedFile query, CancellationToken ct) =>
        await files.FindAsync(query.Id, ct) is { } file ? file.To<UnmatchedFileDto>() : UnmatchedFileErrors.NotFound(query.Id);
}

public sealed record DismissUnmatchedFile(UnmatchedFileId Id);

public sealed class DismissUnmatchedFileHandler(IUnmatchedFileRepository files, TimeProvider clock)
{
    public async Task<Result<UnmatchedFileDto>> Handle(DismissUnmatchedFile cmd, CancellationToken ct)
    {
        if (await files.FindAsync(cmd.Id, ct) is not { } file) return UnmatchedFileErrors.NotFound(cmd.Id);
        var dismissed = file.Dismiss(clock.GetUtcNow());
        if (dismissed.IsFailure) return dismissed.Error!;
        var saved = await files.SaveResolutionAsync(file, ct);
        return saved.IsSuccess ? file.To<UnmatchedFileDto>() : saved.Error!;
    }
}

public sealed record RefreshSuggestions(UnmatchedFileId Id);

/// <summary>Runs the TMDB search again from the parsed name; the stored suggestions stay when TMDB cannot answer.</summary>
public sealed class RefreshSuggestionsHandler(IUnmatchedFileRepository files, ILibraryRepository libraries, IMetadataSource tmdb)
{
    public async Task<Result<UnmatchedFileDto>> Handle(RefreshSuggestions cmd, CancellationToken ct)
    {
        if (await files.FindAsync(cmd.Id, ct) is not { } file) return UnmatchedFileErrors.NotFound(cmd.Id);
        if (file.Status != UnmatchedStatus.Pending) return UnmatchedFileErrors.AlreadyResolved(file.Id);
        if (await libraries.FindAsync(file.LibraryId, ct) is not { } library) return LibraryErrors.NotFound(file.LibraryId);
        if (!tmdb.IsConfigured) return MetadataErrors.Unavailable("TMDB is not configured (set Tmdb__ApiKey).");

        var type = library.Kind == LibraryKind.Movies ? MediaType.Movie : MediaType.Series;
        var (title, year, _) = Identifier.SearchTerms(file.Path, NameParser.Parse(file.Path), type);
        if (string.IsNullOrWhiteSpace(title))
            return UnmatchedFileErrors.NoTitle();
        IReadOnlyList<MetadataCandidate> candidates;
        try
        {
            candidates = await tmdb.SearchAsync(type, title, year, ct);
        }
        catch (MetadataUnavailableException e)
        {
            return MetadataErrors.Unavailable(e.Message);
        }
        var refreshed = file.RefreshSuggestions(MatchScoring.Suggestions(candidates, title, year));
        if (refreshed.IsFailure) return refreshed.Error!;
        var saved = await files.SaveAsync(ct);
        return saved.IsSuccess ? file.To<UnmatchedFileDto>() : saved.Error!;
    }

}

/// <summary>The body of POST /v1/unmatched-files/{id}/match, as raw values.</summary>
public sealed record MatchInput(int? TmdbId, string? Type, int? Season, IReadOnlyList<int>? Episodes);

public sealed record MatchUnmatchedFile(UnmatchedFileId Id, MatchInput Input);

/// <summary>
/// A user's answer for a queued file. The target is checked on TMDB first; then, in one transaction, the media item
/// (created or reused), its season and episode rows, the media file with a state from a fresh stat of the file, a
/// manual_match import record, and the queue entry resolved as matched.
/// </summary>
public sealed class MatchUnmatchedFileHandler(
    IUnmatchedFileRepository queue, ILibraryRepository libraries, IMediaItemRepository items, IMediaFileRepository files,
    IImportAttemptRepository imports, IMetadataSource tmdb, ILibraryStorageFactory storages, TimeProvider clock,
    Probing.IProbeQueue probes)
{

    public async Task<Result<MediaFileDto>> Handle(MatchUnmatchedFile cmd, CancellationToken ct)
    {
        var input = Validate(cmd.Input);
        if (input.IsFailure) return input.Error!;
        var (type, tmdbId, season, episodes) = input.Value;

        if (await queue.FindAsync(cmd.Id, ct) is not { } entry) return UnmatchedFileErrors.NotFound(cmd.Id);
        if (entry.Status != UnmatchedStatus.Pending) return UnmatchedFileErrors.AlreadyResolved(entry.Id);
        if (await libraries.FindAsync(entry.LibraryId, ct) is not { } library) return LibraryErrors.NotFound(entry.LibraryId);
        if (!library.Holds(type))
            return Error.Validation("type", $"The library '{library.Name}' holds {library.Kind.ToString().ToLowerInvariant()}; a {(type == MediaType.Movie ? "movie" : "series")} cannot be matched here.");

        var target = await TargetAsync(type, tmdbId, season, episodes, ct);
        if (target.IsFailure) return target.Error!;

        var storage = storages.For(library.Storage);
        StoredFile? stat;
        try
        {
            stat = await storage.StatAsync(entry.Path, ct);
        }
        catch (StorageUnavailableException e)
        {
            // An unmounted share or an unreachable account says nothing of the file: the entry stays pending.
            return Error.Unavailable("storage.unavailable", e.Message);
        }
        if (stat is null)
            return UnmatchedFileErrors.Gone(entry.Path);

        return await RecordAsync(library, storage, entry, target.Value, season, episodes, stat, ct);
    }

    private async Task<Result<MediaFileDto>> RecordAsync(
        Library library, ILibraryStorage storage, UnmatchedFile entry, Target target, int? season, IReadOnlyList<int> episodes, StoredFile stat,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // The title, its season and episode rows: find-or-create in one database operation each (two matches to the
        // same new title at once both end with the one stored item).
        var candidate = MediaItem.Create(target.Type, target.TmdbId, target.Title, target.OriginalTitle, target.Year, now)
            .Described(target.Overview, target.PosterPath);
        if (target.Type == MediaType.Series)
        {
            var seasonRow = candidate.EnsureSeason(season!.Value, target.Season!.Name);
            foreach (var e in target.Season.Episodes) seasonRow.EnsureEpisode(e.Number, e.Title, e.AirDate);
        }
        var item = (await items.EnsureAsync(candidate, ct)).Item;
        var held = target.Type == MediaType.Series ? episodes.Select(n => item.FindEpisode(season!.Value, n)!).ToList() : [];

        var created = MediaFile.CreateForEpisodes(library, item, held, entry.Path, FileState.Verified(stat.Size, now), now);
        if (created.IsFailure) return created.Error!;
        var file = created.Value;
        // Its identity goes into the file (xattr) where the storage can hold it; where not, the state says why.
        IdentityTags.Stamp(storage, file, item);
        files.Add(file);
        var note = episodes.Count > 1 ? $"Matched to episodes {string.Join(", ", episodes)} of season {season}." : null;
        imports.Add(ImportAttempt.Success(ImportMethod.ManualMatch, file.Id, entry.Path, entry.Path, now, note: note));
        var matched = entry.Match(file.Id, now);
        if (matched.IsFailure) return matched.Error!;

        var saved = await queue.SaveResolutionAsync(entry, ct);
        if (saved.IsFailure)
            return saved.Error!.Code == "media_file.duplicate_path"
                ? Error.Conflict("media_file.duplicate_path", $"'{entry.Path}' is already a media file of this library.")
                : saved.Error!;
        // Probed later by the queue; a request lost here is made again by the worker's sweep at start.
        await probes.RequestAsync([file.Id], now, ct);
        return file.To<MediaFileDto>();
    }

    private sealed record Target(
        MediaType Type, int TmdbId, string Title, string? OriginalTitle, int? Year, SeasonMetadata? Season, string? Overview, string? PosterPath);

    /// <summary>The target as TMDB knows it; a series also with the season the episodes must be in.</summary>
    private async Task<Result<Target>> TargetAsync(MediaType type, int tmdbId, int? season, IReadOnlyList<int> episodes, CancellationToken ct)
    {
        try
        {
            if (type == MediaType.Movie)
                return await tmdb.GetMovieAsync(tmdbId, ct) is { } m
                    ? new Target(type, tmdbId, m.Title, m.OriginalTitle, m.Year, null, m.Overview, m.PosterPath)
                    : MetadataErrors.Unknown(type, tmdbId);
            if (await tmdb.GetSeriesAsync(tmdbId, ct) is not { } s) return MetadataErrors.Unknown(type, tmdbId);
            if (await tmdb.GetSeasonAsync(tmdbId, season!.Value, ct) is not { } details)
                return MetadataErrors.UnknownSeason(s.Title, season.Value);
            var missing = episodes.Where(e => details.Episodes.All(x => x.Number != e)).ToList();
            if (missing.Count > 0)
                return MetadataErrors.UnknownEpisodes(s.Title, season.Value, missing);
            return new Target(type, tmdbId, s.Title, s.OriginalTitle, s.Year, details, s.Overview, s.PosterPath);
        }
        catch (MetadataUnavailableException e)
        {
            return MetadataErrors.Unavailable(e.Message);
        }
    }

    private static Result<(MediaType Type, int TmdbId, int? Season, IReadOnlyList<int> Episodes)> Validate(MatchInput input)
    {
        var errors = new Dictionary<string, string[]>();
        var type = MediaTypes.Parse(input.Type, errors);
        if (input.TmdbId is not > 0) errors["tmdbId"] = ["A positive TMDB id is required."];
        var episodes = input.Episodes ?? [];
        if (type == MediaType.Series)
        {
            if (input.Season is null) errors["season"] = ["A series match names its season."];
            else if (input.Season < 0) errors["season"] = ["Seasons are numbered from 0 (specials)."];
            if (episodes.Count == 0) errors["episodes"] = ["A series match names at least one episode."];
            else if (episodes.Any(e => e < 0)) errors["episodes"] = ["Episode numbers are not negative."];
            else if (episodes.Count > 50) errors["episodes"] = ["At most 50 episodes per file."];
        }
        else if (type == MediaType.Movie && (input.Season is not null || episodes.Count > 0))
        {
            errors["episodes"] = ["A movie has no season or episodes."];
        }
        if (errors.Count > 0) return Error.Validation("validation", "The match is invalid.", errors);
        return (type!.Value, input.TmdbId!.Value, input.Season, episodes.Distinct().Order().ToList());
    }
}
