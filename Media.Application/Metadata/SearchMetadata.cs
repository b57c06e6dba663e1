using System.Text.RegularExpressions;
using Media.Application.MediaItems;
using Media.Domain.Common;
using Media.Domain.MediaItems;

namespace Media.Application.Metadata;

/// <summary>
/// A TMDB title the match dialog can offer; <c>MediaItemId</c> when the library already has it; <c>PosterUrl</c> is
/// TMDB's image of <c>PosterPath</c> at a thumbnail size.
/// </summary>
public sealed record MetadataHitDto(
    int TmdbId, MediaType Type, string Title, string? OriginalTitle, int? Year, string? Overview, string? PosterPath, Guid? MediaItemId,
    string? PosterUrl = null)
{
    public bool InLibrary => MediaItemId is not null;
}

/// <summary>By title (and year), by TMDB id, or by IMDb id: exactly one of them.</summary>
public sealed record SearchMetadata(string? Type, string? Query, int? Year, int? TmdbId, string? ImdbId);

/// <summary>Looks titles up on TMDB through the cached adapter, so the match dialog can reach any title, known or not.</summary>
public sealed partial class SearchMetadataHandler(IMetadataSource tmdb, IMediaItemRepository items)
{
    public const int MaxHits = 20;

    public async Task<Result<IReadOnlyList<MetadataHitDto>>> Handle(SearchMetadata query, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var asked = new[] { !string.IsNullOrWhiteSpace(query.Query), query.TmdbId is not null, !string.IsNullOrWhiteSpace(query.ImdbId) }.Count(x => x);
        if (asked != 1) errors["query"] = ["Ask by exactly one of query (a title), tmdbId or imdbId."];
        var imdb = query.ImdbId?.Trim();
        if (imdb is { Length: > 0 } && !ImdbId().IsMatch(imdb)) errors["imdbId"] = ["An IMDb id looks like tt0133093."];
        if (query.TmdbId is <= 0) errors["tmdbId"] = ["A positive TMDB id is required."];
        if (query.Query is { Length: > 200 }) errors["query"] = ["The title is longer than 200 characters."];
        if (query.Year is < 1870 or > 2200) errors["year"] = ["The year is out of range."];
        MediaType? type = string.IsNullOrWhiteSpace(query.Type) && imdb is { Length: > 0 } ? null : MediaTypes.Parse(query.Type, errors);
        if (errors.Count > 0) return Error.Validation("validation", "The search is invalid.", errors);
        if (!tmdb.IsConfigured) return MetadataErrors.Unavailable("TMDB is not configured (set Tmdb__ApiKey).");

        IReadOnlyList<MetadataCandidate> found;
        try
        {
            found = query switch
            {
                { TmdbId: { } id } => await ByIdAsync(type!.Value, id, ct),
                _ when imdb is { Length: > 0 } => await tmdb.FindByImdbIdAsync(imdb, ct) is { } hit && (type is null || hit.Type == type) ? [hit] : [],
                _ => await tmdb.SearchAsync(type!.Value, query.Query!.Trim(), query.Year, ct),
            };
        }
        catch (MetadataUnavailableException e)
        {
            return MetadataErrors.Unavailable(e.Message);
        }

        var hits = new List<MetadataHitDto>();
        var images = found.Any(c => c.PosterPath is not null) ? await tmdb.ImageBaseUrlAsync(ct) : Posters.DefaultImageBaseUrl;
        foreach (var c in found.Take(MaxHits))
        {
            var known = await items.FirstOrDefaultAsync(new MediaItemByTmdbId(c.Type, c.TmdbId), ct);
            hits.Add(new MetadataHitDto(c.TmdbId, c.Type, c.Title, c.OriginalTitle, c.Year, c.Overview, c.PosterPath, known?.Id.Value,
                Posters.Url(images, Posters.Small, c.PosterPath)));
        }
        return hits;
    }

    private async Task<IReadOnlyList<MetadataCandidate>> ByIdAsync(MediaType type, int id, CancellationToken ct)
    {
        if (type == MediaType.Movie)
            return await tmdb.GetMovieAsync(id, ct) is { } m ? [new MetadataCandidate(m.TmdbId, type, m.Title, m.OriginalTitle, m.Year, 0, m.Overview, m.PosterPath)] : [];
        return await tmdb.GetSeriesAsync(id, ct) is { } s ? [new MetadataCandidate(s.TmdbId, type, s.Title, s.OriginalTitle, s.Year, 0, s.Overview, s.PosterPath)] : [];
    }

    [GeneratedRegex("^tt[0-9]{5,10}$")]
    private static partial Regex ImdbId();
}

/// <summary>The seasons of a series on TMDB with their episodes, for picking what a file holds.</summary>
public sealed record GetSeriesSeasons(int TmdbId);

public sealed record SeasonChoiceDto(int Number, string? Name, IReadOnlyList<EpisodeChoiceDto> Episodes);

public sealed record EpisodeChoiceDto(int Number, string? Title);

public sealed class GetSeriesSeasonsHandler(IMetadataSource tmdb)
{
    public async Task<Result<IReadOnlyList<SeasonChoiceDto>>> Handle(GetSeriesSeasons query, CancellationToken ct)
    {
        if (!tmdb.IsConfigured) return MetadataErrors.Unavailable("TMDB is not configured (set Tmdb__ApiKey).");
        try
        {
            if (await tmdb.GetSeriesAsync(query.TmdbId, ct) is not { } series) return MetadataErrors.Unknown(MediaType.Series, query.TmdbId);
            var seasons = new List<SeasonChoiceDto>();
            foreach (var summary in series.Seasons.OrderBy(s => s.Number))
            {
                var details = await tmdb.GetSeasonAsync(query.TmdbId, summary.Number, ct);
                seasons.Add(new SeasonChoiceDto(summary.Number, summary.Name,
                    details?.Episodes.Select(e => new EpisodeChoiceDto(e.Number, e.Title)).ToList() ?? []));
            }
            return seasons;
        }
        catch (MetadataUnavailableException e)
        {
            return MetadataErrors.Unavailable(e.Message);
        }
    }
}
