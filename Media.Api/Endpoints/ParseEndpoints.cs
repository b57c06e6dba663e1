using Media.Api.Problems;
using Media.Application.Parsing;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

/// <summary>
/// What the name parser reads from a name. The first seven fields are the contract of ../shared/API.md;
/// the rest are additions (absolute numbering, air date, IMDb tag, flags).
/// </summary>
public sealed record ParseResponse(
    string Kind, string? Title, int? Year, int? Season, IReadOnlyList<int> Episodes, int? TmdbId, string? Resolution,
    IReadOnlyList<int> AbsoluteEpisodes, DateOnly? AirDate, string? ImdbId, bool IsSample, bool IsExtra, bool IsPartial);

internal static class ParseEndpoints
{
    public const int MaxNameLength = 4096;

    public static void MapParse(this IEndpointRouteBuilder v1) =>
        v1.MapGet("/parse", Parse).WithTags("Parsing").RequireAuthorization(Permission.MediaRead);

    private static IResult Parse(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return ProblemResults.Problem(Error.Validation("name", "A file or release name is required."));
        if (name.Length > MaxNameLength) return ProblemResults.Problem(Error.Validation("name", $"The name is longer than {MaxNameLength} characters."));
        var p = NameParser.Parse(name);
        var kind = p.Kind switch { ParsedKind.Movie => "movie", ParsedKind.Episode => "episode", _ => "other" };
        return Results.Ok(new ParseResponse(
            kind, p.Title, p.Year, p.Season, p.Episodes, p.TmdbId, p.Resolution,
            p.AbsoluteEpisodes, p.AirDate, p.ImdbId, p.IsSample, p.IsExtra, p.IsPartial));
    }
}
