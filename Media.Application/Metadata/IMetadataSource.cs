using Media.Domain.MediaItems;

namespace Media.Application.Metadata;

/// <summary>A search hit: enough to judge a match and to show a suggestion.</summary>
public sealed record MetadataCandidate(int TmdbId, MediaType Type, string Title, string? OriginalTitle, int? Year, double Popularity);

public sealed record MovieMetadata(int TmdbId, string Title, string? OriginalTitle, int? Year, string? ImdbId);

public sealed record SeasonSummary(int Number, string? Name, int EpisodeCount);

public sealed record SeriesMetadata(int TmdbId, string Title, string? OriginalTitle, int? Year, IReadOnlyList<SeasonSummary> Seasons);

public sealed record EpisodeMetadata(int Number, string? Title, DateOnly? AirDate);

public sealed record SeasonMetadata(int Number, string? Name, IReadOnlyList<EpisodeMetadata> Episodes);

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
}
