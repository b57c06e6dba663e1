using System.Text.Json.Serialization;

namespace Media.Infrastructure.Tmdb;

// TMDB v3 response shapes (../shared/tmdb/API-NOTES.md): only the fields the library uses.
// Dates are strings that may be "" or null; ids are integers.

internal sealed record TmdbPage<T>(int Page, List<T>? Results, int TotalPages, int TotalResults);

internal sealed record TmdbMovieResult(
    int Id, string? Title, string? OriginalTitle, string? ReleaseDate, double Popularity, string? Overview = null, string? PosterPath = null);

internal sealed record TmdbTvResult(
    int Id, string? Name, string? OriginalName, string? FirstAirDate, double Popularity, string? Overview = null, string? PosterPath = null);

internal sealed record TmdbMovie(
    int Id, string? Title, string? OriginalTitle, string? ReleaseDate, string? ImdbId, string? Overview = null, string? PosterPath = null);

internal sealed record TmdbSeasonSummary(int SeasonNumber, string? Name, int EpisodeCount);

internal sealed record TmdbTv(
    int Id, string? Name, string? OriginalName, string? FirstAirDate, List<TmdbSeasonSummary>? Seasons, string? Overview = null, string? PosterPath = null);

internal sealed record TmdbEpisode(int EpisodeNumber, string? Name, string? AirDate);

internal sealed record TmdbSeason(int SeasonNumber, string? Name, List<TmdbEpisode>? Episodes);

internal sealed record TmdbFind(List<TmdbMovieResult>? MovieResults, List<TmdbTvResult>? TvResults);

internal sealed record TmdbError(int StatusCode, string? StatusMessage);

internal sealed record TmdbConfiguration(TmdbImages? Images);

internal sealed record TmdbImages(string? SecureBaseUrl, List<string>? PosterSizes);

[JsonSerializable(typeof(TmdbPage<TmdbMovieResult>))]
[JsonSerializable(typeof(TmdbPage<TmdbTvResult>))]
[JsonSerializable(typeof(TmdbMovie))]
[JsonSerializable(typeof(TmdbTv))]
[JsonSerializable(typeof(TmdbSeason))]
[JsonSerializable(typeof(TmdbFind))]
[JsonSerializable(typeof(TmdbError))]
[JsonSerializable(typeof(TmdbConfiguration))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class TmdbJson : JsonSerializerContext;
