namespace Media.Application.Parsing;

public enum ParsedKind { Movie, Episode, Other }

/// <summary>What the caller knows of where a name comes from: a movie library, a series library, or nothing.</summary>
public enum ParseHint { None, Movie, Series }

/// <summary>
/// What a file or release name says about its content. <see cref="Episodes"/> are numbers within
/// <see cref="Season"/>; <see cref="AbsoluteEpisodes"/> are season-less (anime) numbers.
/// </summary>
public sealed record ParsedName(
    ParsedKind Kind,
    string? Title,
    int? Year,
    int? Season,
    IReadOnlyList<int> Episodes,
    IReadOnlyList<int> AbsoluteEpisodes,
    DateOnly? AirDate,
    int? TmdbId,
    string? ImdbId,
    string? Resolution,
    bool IsSample,
    bool IsExtra,
    bool IsPartial,
    bool IsVideo);
