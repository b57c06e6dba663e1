using Ardalis.Specification;
using Mapster;
using Media.Application.Common;
using Media.Application.MediaFiles;
using Media.Application.Metadata;
using Media.Domain.Common;
using Media.Domain.MediaItems;

namespace Media.Application.MediaItems;

public sealed record MediaItemDto(Guid Id, MediaType Type, int TmdbId, string Title, int? Year);

public sealed record EpisodeDto(Guid Id, int Number, string? Title, DateOnly? AirDate);

public sealed record SeasonDto(Guid Id, int Number, string? Name, IReadOnlyList<EpisodeDto> Episodes);

/// <summary>A title with its seasons and files; <c>PosterUrl</c> is TMDB's image of <c>PosterPath</c> at a size for a page.</summary>
public sealed record MediaItemDetailDto(
    Guid Id, MediaType Type, int TmdbId, string Title, string? OriginalTitle, int? Year, DateTimeOffset CreatedAt,
    IReadOnlyList<SeasonDto> Seasons, IReadOnlyList<MediaFileDto> Files, string? Overview = null, string? PosterPath = null, string? PosterUrl = null);

internal sealed class MediaItemMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<MediaItem, MediaItemDto>().MapWith(m => new MediaItemDto(m.Id.Value, m.Type, m.TmdbId, m.Title, m.Year));
}

/// <summary>Media items by type and title, as DTOs straight from the table (no seasons loaded).</summary>
public sealed class MediaItemsPage : Specification<MediaItem, MediaItemDto>
{
    public static readonly IReadOnlyList<string> SortKeys = ["title", "year", "createdAt"];

    public MediaItemsPage(MediaType? type, string? q, PageRequest page)
    {
        Query.AsNoTracking();
        Type = type;
        if (type is { } t) Query.Where(m => m.Type == t);
        // The text is matched by the repository against what the database keeps for searching (title and original
        // title in lower case): lower-casing every title of the library on every request cost most of the page.
        if (!string.IsNullOrWhiteSpace(q)) Search = q.Trim().ToLowerInvariant();
        _ = page.SortKey switch
        {
            "year" => Query.OrderByThenId(m => m.Year, m => m.Id, page.Direction),
            "createdAt" => Query.OrderByThenId(m => m.CreatedAt, m => m.Id, page.Direction),
            _ => Query.OrderByThenId(m => m.Title, m => m.Id, page.Direction),
        };
        Query.Page(page);
        Query.Select(m => new MediaItemDto(m.Id.Value, m.Type, m.TmdbId, m.Title, m.Year));
    }

    /// <summary>Titles (or original titles) that contain this text, in lower case; null: every title.</summary>
    public string? Search { get; }

    /// <summary>The type the list is narrowed to, if any.</summary>
    public MediaType? Type { get; }
}

public sealed class MediaItemByTmdbId : SingleResultSpecification<MediaItem>
{
    public MediaItemByTmdbId(MediaType type, int tmdbId) => Query.Where(m => m.Type == type && m.TmdbId == tmdbId);
}

public sealed record ListMediaItems(MediaType? Type, string? Q, PageRequest Page);

public sealed class ListMediaItemsHandler(IMediaItemRepository items)
{
    public async Task<PagedList<MediaItemDto>> Handle(ListMediaItems query, CancellationToken ct)
    {
        return await items.PageAsync(new MediaItemsPage(query.Type, query.Q, query.Page), query.Page, ct);
    }
}

public sealed record GetMediaItem(MediaItemId Id);

public sealed class GetMediaItemHandler(IMediaItemRepository items, IMediaFileRepository files, IMetadataSource tmdb)
{
    public async Task<Result<MediaItemDetailDto>> Handle(GetMediaItem query, CancellationToken ct)
    {
        if (await items.FindAsync(query.Id, ct) is not { } item) return MediaItemErrors.NotFound(query.Id);
        var itemFiles = await files.ListAsync(new FilesOfItem(item.Id), ct);
        var images = item.PosterPath is null ? Posters.DefaultImageBaseUrl : await tmdb.ImageBaseUrlAsync(ct);
        return ToDetail(item, itemFiles.To<List<MediaFileDto>>(), images);
    }

    internal static MediaItemDetailDto ToDetail(MediaItem item, IReadOnlyList<MediaFileDto> files, string imageBaseUrl) => new(
        item.Id.Value, item.Type, item.TmdbId, item.Title, item.OriginalTitle, item.Year, item.CreatedAt,
        item.Seasons.OrderBy(s => s.Number).Select(s => new SeasonDto(s.Id.Value, s.Number, s.Name,
            s.Episodes.OrderBy(e => e.Number).Select(e => new EpisodeDto(e.Id.Value, e.Number, e.Title, e.AirDate)).ToList())).ToList(),
        files, item.Overview, item.PosterPath, Posters.Url(imageBaseUrl, Posters.Medium, item.PosterPath));
}

public sealed record AddMediaItem(string? Type, int? TmdbId);

/// <summary>Adds a title from TMDB (a series with its seasons and episodes), as a user adds a wanted title.</summary>
public sealed class AddMediaItemHandler(IMediaItemRepository items, IMetadataSource tmdb, TimeProvider clock)
{
    public async Task<Result<MediaItemDetailDto>> Handle(AddMediaItem cmd, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var type = MediaTypes.Parse(cmd.Type, errors);
        if (cmd.TmdbId is not > 0) errors["tmdbId"] = ["A positive TMDB id is required."];
        if (errors.Count > 0) return Error.Validation("validation", "The media item is invalid.", errors);

        if (await items.FirstOrDefaultAsync(new MediaItemByTmdbId(type!.Value, cmd.TmdbId!.Value), ct) is { } existing)
            return Duplicate(existing);

        var created = await FromTmdbAsync(type.Value, cmd.TmdbId.Value, ct);
        if (created.IsFailure) return created.Error!;
        // Find-or-create in one database operation: of two users adding the same title at once, one creates it.
        var ensured = await items.EnsureAsync(created.Value, ct);
        return ensured.Created ? GetMediaItemHandler.ToDetail(ensured.Item, [], await tmdb.ImageBaseUrlAsync(ct)) : Duplicate(ensured.Item);
    }

    private static Error Duplicate(MediaItem existing) =>
        Error.Conflict("media_item.duplicate", $"This title is already in the library as media item {existing.Id.Value}.") with
        {
            Fields = new Dictionary<string, string[]> { ["existingId"] = [existing.Id.Value.ToString()] },
        };

    private async Task<Result<MediaItem>> FromTmdbAsync(MediaType type, int tmdbId, CancellationToken ct)
    {
        try
        {
            var now = clock.GetUtcNow();
            if (type == MediaType.Movie)
                return await tmdb.GetMovieAsync(tmdbId, ct) is { } movie
                    ? MediaItem.Movie(movie.TmdbId, movie.Title, movie.OriginalTitle, movie.Year, now).Described(movie.Overview, movie.PosterPath)
                    : MetadataErrors.Unknown(type, tmdbId);
            if (await tmdb.GetSeriesAsync(tmdbId, ct) is not { } series) return MetadataErrors.Unknown(type, tmdbId);
            var item = MediaItem.Series(series.TmdbId, series.Title, series.OriginalTitle, series.Year, now).Described(series.Overview, series.PosterPath);
            foreach (var summary in series.Seasons)
            {
                var season = item.EnsureSeason(summary.Number, summary.Name);
                if (await tmdb.GetSeasonAsync(tmdbId, summary.Number, ct) is { } details)
                    foreach (var e in details.Episodes) season.EnsureEpisode(e.Number, e.Title, e.AirDate);
            }
            return item;
        }
        catch (MetadataUnavailableException e)
        {
            return MetadataErrors.Unavailable(e.Message);
        }
    }
}

public static class MediaTypes
{
    public static MediaType? Parse(string? value, Dictionary<string, string[]> errors, string field = "type")
    {
        if (string.Equals(value, "movie", StringComparison.OrdinalIgnoreCase)) return MediaType.Movie;
        if (string.Equals(value, "series", StringComparison.OrdinalIgnoreCase)) return MediaType.Series;
        errors[field] = [string.IsNullOrWhiteSpace(value) ? "A type is required: movie or series." : $"Unknown type '{value}': movie or series."];
        return null;
    }
}

public static class MetadataErrors
{
    public static Error Unknown(MediaType type, int tmdbId) =>
        Error.Unprocessable("tmdb.unknown", $"TMDB has no {(type == MediaType.Movie ? "movie" : "series")} with id {tmdbId}.");

    public static Error UnknownSeason(string series, int season) =>
        Error.Unprocessable("tmdb.unknown_season", $"{series} has no season {season} on TMDB.");

    public static Error UnknownEpisodes(string series, int season, IEnumerable<int> episodes) =>
        Error.Unprocessable("tmdb.unknown_episode", $"{series} season {season} has no episode {string.Join(", ", episodes)} on TMDB.");

    public static Error Unavailable(string detail) =>
        Error.Unavailable("tmdb.unavailable", $"TMDB cannot be asked right now: {detail}");
}
