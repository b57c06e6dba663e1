using Media.Domain.MediaItems;

namespace Media.Application.Metadata;

/// <summary>A search hit: enough to judge a match and to show a suggestion.</summary>
public sealed record MetadataCandidate(
    int TmdbId, MediaType Type, string Title, string? OriginalTitle, int? Year, double Popularity, string? Overview = null, string? PosterPath = null);

public sealed record MovieMetadata(int TmdbId, string Title, string? OriginalTitle, int? Year, string? ImdbId, string? Overview = null, string? PosterPath = null);

public sealed record SeasonSummary(int Number, string? Name, int EpisodeCount);

public sealed record SeriesMetadata(
    int TmdbId, string Title, string? OriginalTitle, int? Year, IReadOnlyList<SeasonSummary> Seasons, string? Overview = null, string? PosterPath = null);

public sealed record EpisodeMetadata(int Number, string? Title, DateOnly? AirDate);

public sealed record SeasonMetadata(int Number, string? Name, IReadOnlyList<EpisodeMetadata> Episodes);

/// <summary>A question a scan is about to ask: a search, a title by its TMDB id, a title by its IMDb id.</summary>
public abstract record MetadataQuestion
{
    private MetadataQuestion() { }

    public sealed record Search(MediaType Type, string Query, int? Year) : MetadataQuestion;

    public sealed record Movie(int TmdbId) : MetadataQuestion;

    public sealed record Series(int TmdbId) : MetadataQuestion;

    public sealed record Imdb(string ImdbId) : MetadataQuestion;
}

/// <summary>TMDB is not configured, rejected our credentials, or stayed unreachable after retries.</summary>
public sealed class MetadataUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Where titles are identified (TMDB). Unknown ids answer null; an outage or missing configuration throws
/// <see cref="MetadataUnavailableException"/>, so callers can tell "TMDB does not know it" from "TMDB did not answer".
/// </summary>
public interface IMetadataSource
{
    bool IsConfigured { get; }

    Task<IReadOnlyList<MetadataCandidate>> SearchAsync(MediaType type, string query, int? year, CancellationToken ct);

    Task<MetadataCandidate?> FindByImdbIdAsync(string imdbId, CancellationToken ct);

    Task<MovieMetadata?> GetMovieAsync(int tmdbId, CancellationToken ct);

    Task<SeriesMetadata?> GetSeriesAsync(int tmdbId, CancellationToken ct);

    Task<SeasonMetadata?> GetSeasonAsync(int seriesTmdbId, int seasonNumber, CancellationToken ct);

    /// <summary>
    /// Where TMDB serves images (its configuration's secure_base_url, cached for days), else the documented
    /// https://image.tmdb.org/t/p/; never throws. A poster's URL is this, a size (w92, w185, ...) and its path.
    /// </summary>
    Task<string> ImageBaseUrlAsync(CancellationToken ct);

    /// <summary>
    /// Readies the kept answers to these questions (a few reads instead of one per question), so that asking them
    /// next costs no round trip each. Asks TMDB nothing; answers nobody has kept are asked when they are asked.
    /// </summary>
    Task ReadyAsync(IReadOnlyCollection<MetadataQuestion> questions, CancellationToken ct) => Task.CompletedTask;
}

public static class Posters
{
    public const string DefaultImageBaseUrl = "https://image.tmdb.org/t/p/";
    public const string Small = "w92";
    public const string Medium = "w185";

    public static string? Url(string imageBaseUrl, string size, string? posterPath) =>
        string.IsNullOrEmpty(posterPath) ? null : $"{imageBaseUrl.TrimEnd('/')}/{size}/{posterPath.TrimStart('/')}";
}
