using Media.Api.Problems;
using Media.Application.Metadata;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

internal static class MetadataEndpoints
{
    public static void MapMetadata(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/metadata").WithTags("Metadata").RequireAuthorization(Permission.MediaRead);
        group.MapGet("/search", Search);
        group.MapGet("/series/{tmdbId:int}/seasons", Seasons);
    }

    private static async Task<IResult> Search(
        SearchMetadataHandler handler, CancellationToken ct, string? type = null, string? query = null, int? year = null, int? tmdbId = null, string? imdbId = null) =>
        (await handler.Handle(new SearchMetadata(type, query, year, tmdbId, imdbId), ct)).ToHttpResult(hits => Results.Ok(new { items = hits }));

    private static async Task<IResult> Seasons(int tmdbId, GetSeriesSeasonsHandler handler, CancellationToken ct) =>
        (await handler.Handle(new GetSeriesSeasons(tmdbId), ct)).ToHttpResult(seasons => Results.Ok(new { items = seasons }));
}
