using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.MediaItems;
using Media.Domain.Common;
using Media.Domain.MediaItems;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

public sealed record AddMediaItemRequest(string? Type, int? TmdbId);

internal static class MediaItemEndpoints
{
    public static void MapMediaItems(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/media-items").WithTags("Media items");
        group.MapGet("/", List).RequireAuthorization(Permission.MediaRead);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Permission.MediaRead).WithName("GetMediaItem");
        group.MapPost("/", Add).RequireAuthorization(Permission.LibrariesManage);
    }

    private static async Task<IResult> List(
        ListMediaItemsHandler handler, CancellationToken ct, string? type = null, string? q = null,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, MediaItemsPage.SortKeys);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        MediaType? kind = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            var errors = new Dictionary<string, string[]>();
            kind = MediaTypes.Parse(type, errors);
            if (kind is null) return ProblemResults.Problem(Error.Validation("validation", "Unknown type.", errors));
        }
        if (q is { Length: > 500 }) return ProblemResults.Problem(Error.Validation("q", "The search text is longer than 500 characters."));
        return Results.Ok(await handler.Handle(new ListMediaItems(kind, q, request.Value), ct));
    }

    private static async Task<IResult> Get(Guid id, GetMediaItemHandler handler, CancellationToken ct) =>
        (await handler.Handle(new GetMediaItem(new MediaItemId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Add(AddMediaItemRequest request, AddMediaItemHandler handler, CancellationToken ct) =>
        (await handler.Handle(new AddMediaItem(request.Type, request.TmdbId), ct))
            .ToHttpResult(item => Results.CreatedAtRoute("GetMediaItem", new { id = item.Id }, item));
}
