using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.Libraries;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

public sealed record StorageRequest(string? Provider, string? Root, string? ConnectionString = null);

/// <summary><c>watch</c> (optional): rescan changes on disk at once (local libraries; default true, left out on a PUT: unchanged).</summary>
public sealed record LibraryRequest(string? Name, string? Kind, StorageRequest? Storage, bool? Watch = null)
{
    internal LibraryInput ToInput() => new(Name, Kind, Storage?.Provider, Storage?.Root, Storage?.ConnectionString, Watch);
}

internal static class LibraryEndpoints
{
    public static void MapLibraries(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/libraries").WithTags("Libraries");
        group.MapGet("/", List).RequireAuthorization(Permission.MediaRead);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Permission.MediaRead).WithName("GetLibrary");
        group.MapPost("/", Create).RequireAuthorization(Permission.LibrariesManage);
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Permission.LibrariesManage);
        group.MapDelete("/{id:guid}", Delete).RequireAuthorization(Permission.LibrariesManage);
    }

    private static async Task<IResult> List(
        ListLibrariesHandler handler, CancellationToken ct,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, LibrariesPage.SortKeys);
        return request.IsFailure ? ProblemResults.Problem(request.Error!) : Results.Ok(await handler.Handle(new(request.Value), ct));
    }

    private static async Task<IResult> Get(Guid id, GetLibraryHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(new LibraryId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Create(LibraryRequest request, CreateLibraryHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(request.ToInput()), ct))
            .ToHttpResult(l => Results.CreatedAtRoute("GetLibrary", new { id = l.Id }, l));

    private static async Task<IResult> Update(Guid id, LibraryRequest request, UpdateLibraryHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(new LibraryId(id), request.ToInput()), ct)).ToHttpResult();

    private static async Task<IResult> Delete(Guid id, DeleteLibraryHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(new LibraryId(id)), ct)).ToHttpResult();
}
