using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.Downloads;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

/// <summary>POST /v1/download-jobs; besides a magnet URI or .torrent URL in source, a base64 .torrent file in torrent.</summary>
public sealed record DownloadJobRequest(Guid? MediaItemId, List<Guid>? EpisodeIds, Guid? DownloaderId, Guid? LibraryId, string? Source, string? Torrent);

internal static class DownloadJobEndpoints
{
    public static void MapDownloadJobs(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/download-jobs").WithTags("Download jobs").RequireAuthorization(Permission.DownloadsManage);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get).WithName("GetDownloadJob");
        group.MapPost("/", Create);
        group.MapDelete("/{id:guid}", Delete);
        group.MapPost("/{id:guid}/import", Import);
    }

    private static async Task<IResult> List(ListDownloadJobsHandler handler, CancellationToken ct, int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, DownloadJobsPage.SortKeys);
        return request.IsFailure ? ProblemResults.Problem(request.Error!) : Results.Ok(await handler.Handle(new(request.Value), ct));
    }

    private static async Task<IResult> Get(Guid id, GetDownloadJobHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(new DownloadJobId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Create(DownloadJobRequest request, CreateDownloadJobHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(new DownloadJobInput(request.MediaItemId, request.EpisodeIds, request.DownloaderId, request.LibraryId, request.Source, request.Torrent)), ct))
            .ToHttpResult(job => Results.CreatedAtRoute("GetDownloadJob", new { id = job.Id }, job));

    private static async Task<IResult> Delete(Guid id, DeleteDownloadJobHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(new DownloadJobId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Import(Guid id, ImportDownloadJobHandler handler, CancellationToken ct) =>
        (await handler.Handle(new(new DownloadJobId(id)), ct)).ToHttpResult();
}
