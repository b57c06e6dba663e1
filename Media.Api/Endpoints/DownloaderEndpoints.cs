using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.Downloads;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

public sealed record DownloaderRequest(string? Name, string? Kind, string? Url, string? Username, string? Password, bool? Enabled)
{
    internal DownloaderInput ToInput() => new(Name, Kind, Url, Username, Password, Enabled);
}

internal static class DownloaderEndpoints
{
    public static void MapDownloaders(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/downloaders").WithTags("Download clients").RequireAuthorization(Permission.DownloadsManage);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get).WithName("GetDownloader");
        group.MapPost("/", Create);
        group.MapPut("/{id:guid}", Update);
        group.MapDelete("/{id:guid}", Delete);
        group.MapPost("/{id:guid}/test", Test);
    }

    private static async Task<IResult> List(DownloaderHandler handler, CancellationToken ct, int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, DownloadersPage.SortKeys);
        return request.IsFailure ? ProblemResults.Problem(request.Error!) : Results.Ok(await handler.ListAsync(request.Value, ct));
    }

    private static async Task<IResult> Get(Guid id, DownloaderHandler handler, CancellationToken ct) =>
        (await handler.GetAsync(new DownloaderId(id), ct)).ToHttpResult();

    private static async Task<IResult> Create(DownloaderRequest request, DownloaderHandler handler, CancellationToken ct) =>
        (await handler.CreateAsync(request.ToInput(), ct)).ToHttpResult(d => Results.CreatedAtRoute("GetDownloader", new { id = d.Id }, d));

    private static async Task<IResult> Update(Guid id, DownloaderRequest request, DownloaderHandler handler, CancellationToken ct) =>
        (await handler.UpdateAsync(new DownloaderId(id), request.ToInput(), ct)).ToHttpResult();

    private static async Task<IResult> Delete(Guid id, DownloaderHandler handler, CancellationToken ct) =>
        (await handler.DeleteAsync(new DownloaderId(id), ct)).ToHttpResult();

    private static async Task<IResult> Test(Guid id, DownloaderHandler handler, CancellationToken ct) =>
        (await handler.TestAsync(new DownloaderId(id), ct)).ToHttpResult(version => Results.Ok(new { ok = true, version }));
}
