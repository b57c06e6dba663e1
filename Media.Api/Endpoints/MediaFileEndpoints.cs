using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.MediaFiles;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

internal static class MediaFileEndpoints
{
    public static void MapMediaFiles(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/media-files").WithTags("Media files");
        group.MapGet("/", List).RequireAuthorization(Permission.MediaRead);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Permission.MediaRead);
        group.MapDelete("/{id:guid}", Forget).RequireAuthorization(Permission.LibrariesManage);
        v1.MapGet("/imports", Imports).WithTags("Import history").RequireAuthorization(Permission.MediaRead);
    }

    private static async Task<IResult> List(
        ListMediaFilesHandler handler, CancellationToken ct, Guid? libraryId = null, Guid? mediaItemId = null, bool? exists = null,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, MediaFilesPage.SortKeys);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        return Results.Ok(await handler.Handle(new ListMediaFiles(
            libraryId is { } l ? new LibraryId(l) : null, mediaItemId is { } m ? new MediaItemId(m) : null, exists, request.Value), ct));
    }

    private static async Task<IResult> Get(Guid id, GetMediaFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new GetMediaFile(new MediaFileId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Forget(Guid id, ForgetMediaFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new ForgetMediaFile(new MediaFileId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Imports(
        ListImportsHandler handler, CancellationToken ct, Guid? mediaFileId = null, Guid? downloadJobId = null, bool? succeeded = null,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, ImportsPage.SortKeys);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        return Results.Ok(await handler.Handle(new ListImports(
            mediaFileId is { } f ? new MediaFileId(f) : null, downloadJobId is { } j ? new DownloadJobId(j) : null, succeeded, request.Value), ct));
    }
}
