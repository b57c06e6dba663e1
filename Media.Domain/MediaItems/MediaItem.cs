using Media.Domain.Common;

namespace Media.Domain.MediaItems;

public enum MediaType { Movie, Series }

/// <summary>A movie or a series known to TMDB; (type, TMDB id) is unique across the library.</summary>
public sealed class MediaItem
{
    public const int MaxTitleLength = 500;
    public const int MaxOverviewLength = 4000;
    public const int MaxPosterPathLength = 200;

    private readonly List<Season> _seasons = [];

    private MediaItem() { } // for EF

    public MediaItemId Id { get; private set; }
    public MediaType Type { get; private set; }
    public int TmdbId { get; private set; }
    public string Title { get; private set; } = "";
    public string? OriginalTitle { get; private set; }
    public int? Year { get; private set; }
    /// <summary>TMDB's synopsis, in the configured language.</summary>
    public string? Overview { get; private set; }
    /// <summary>TMDB's image path of the poster (e.g. /abc.jpg); the URL adds TMDB's image base and a size.</summary>
    public string? PosterPath { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyCollection<Season> Seasons => _seasons;

    public static MediaItem Movie(int tmdbId, string title, string? originalTitle, int? year, DateTimeOffset at) =>
        Create(MediaType.Movie, tmdbId, title, originalTitle, year, at);

    public static MediaItem Series(int tmdbId, string title, string? originalTitle, int? year, DateTimeOffset at) =>
        Create(MediaType.Series, tmdbId, title, originalTitle, year, at);

    public static MediaItem Create(MediaType type, int tmdbId, string title, string? originalTitle, int? year, DateTimeOffset at)
    {
        var item = new MediaItem { Id = MediaItemId.New(), Type = type, TmdbId = CheckTmdbId(tmdbId), CreatedAt = at };
        item.UpdateDetails(title, originalTitle, year);
        return item;
    }

    /// <summary>Details change on TMDB (titles get corrected); identity (type, TMDB id) never does.</summary>
    public void UpdateDetails(string title, string? originalTitle, int? year)
    {
        Title = CheckTitle(title);
        OriginalTitle = string.IsNullOrWhiteSpace(originalTitle) ? null : CheckTitle(originalTitle);
        Year = year is null or (>= 1800 and <= 2200) ? year : throw new ArgumentOutOfRangeException(nameof(year));
    }

    /// <summary>What TMDB says about the title (both may be missing); returns the item, for use beside a factory.</summary>
    public MediaItem Described(string? overview, string? posterPath)
    {
        overview = string.IsNullOrWhiteSpace(overview) ? null : overview.Trim();
        Overview = overview is { Length: > MaxOverviewLength } ? overview[..MaxOverviewLength].TrimEnd() : overview;
        PosterPath = string.IsNullOrWhiteSpace(posterPath) || posterPath.Length > MaxPosterPathLength ? null : posterPath.Trim();
        return this;
    }

    /// <summary>Returns the season with that number, adding it when it is new. Movies have no seasons.</summary>
    public Season EnsureSeason(int number, string? name = null)
    {
        if (Type != MediaType.Series) throw new InvalidOperationException("A movie has no seasons.");
        if (_seasons.FirstOrDefault(s => s.Number == number) is { } existing)
        {
            existing.Rename(name);
            return existing;
        }
        var season = Season.Create(Id, number, name);
        _seasons.Add(season);
        return season;
    }

    public Episode? FindEpisode(int season, int episode) =>
        _seasons.FirstOrDefault(s => s.Number == season)?.Episodes.FirstOrDefault(e => e.Number == episode);

    public bool HasEpisode(EpisodeId id) => _seasons.Any(s => s.Episodes.Any(e => e.Id == id));

    private static int CheckTmdbId(int id) => id > 0 ? id : throw new ArgumentOutOfRangeException(nameof(id), "TMDB ids are positive.");

    private static string CheckTitle(string title) =>
        string.IsNullOrWhiteSpace(title) ? throw new ArgumentException("A title is required.", nameof(title))
        : title.Length > MaxTitleLength ? title[..MaxTitleLength].Trim()
        : title.Trim();
}

public static class MediaItemErrors
{
    public static Error NotFound(MediaItemId id) => Error.NotFound("media_item.not_found", $"Media item {id.Value} does not exist.");
    public static Error Duplicate(MediaType type, int tmdbId) =>
        Error.Conflict("media_item.duplicate", $"A {type.ToString().ToLowerInvariant()} with TMDB id {tmdbId} already exists.");
}
