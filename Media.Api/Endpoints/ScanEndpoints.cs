using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.Scanning;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

/// <summary>Optional body of POST /v1/libraries/{id}/scan: one library-relative folder to scan.</summary>
public sealed record ScanRequest(string? Path);

internal static class ScanEndpoints
{
    public static void MapScans(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/libraries/{id:guid}/scan", Start).WithTags("Scans").RequireAuthorization(Permission.LibrariesScan);
        var group = v1.MapGroup("/scans").WithTags("Scans");
        group.MapGet("/", List).RequireAuthorization(Permission.MediaRead);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Permission.MediaRead).WithName("GetScan");
    }

    private static async Task<IResult> Start(Guid id, HttpRequest http, StartScanHandler handler, CancellationToken ct)
    {
        ScanRequest? body = null;
        if (http.ContentLength is > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await http.ReadFromJsonAsync<ScanRequest>(ct);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                return ProblemResults.Problem(Error.Validation("path", $"The body must be JSON like {{\"path\": \"folder\"}}: {e.Message}"));
            }
        }
        return (await handler.Handle(new StartScan(new LibraryId(id), body?.Path), ct))
            .ToHttpResult(scan => Results.AcceptedAtRoute("GetScan", new { id = scan.Id }, scan));
    }

    private static async Task<IResult> Get(Guid id, GetScanHandler handler, CancellationToken ct) =>
        (await handler.Handle(new GetScan(new ScanId(id)), ct)).ToHttpResult();

    private static async Task<IResult> List(
        ListScansHandler handler, CancellationToken ct, Guid? libraryId = null,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, ScansPage.SortKeys);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        var library = libraryId is { } l ? new LibraryId(l) : (LibraryId?)null;
        return Results.Ok(await handler.Handle(new ListScans(library, request.Value), ct));
    }
}
