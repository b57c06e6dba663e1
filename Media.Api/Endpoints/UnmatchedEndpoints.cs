using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.Unmatched;
using Media.Domain.Common;
using Media.Domain.Unmatched;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

public sealed record MatchRequest(int? TmdbId, string? Type, int? Season, List<int>? Episodes);

internal static class UnmatchedEndpoints
{
    public static void MapUnmatched(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/unmatched-files").WithTags("Unmatched files");
        group.MapGet("/", List).RequireAuthorization(Permission.MediaRead);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Permission.MediaRead);
        group.MapPost("/{id:guid}/match", Match).RequireAuthorization(Permission.UnmatchedResolve);
        group.MapPost("/{id:guid}/dismiss", Dismiss).RequireAuthorization(Permission.UnmatchedResolve);
        group.MapPost("/{id:guid}/refresh", Refresh).RequireAuthorization(Permission.UnmatchedResolve);
    }

    private static async Task<IResult> List(
        ListUnmatchedFilesHandler handler, CancellationToken ct, Guid? libraryId = null, string? status = null, string? folder = null,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, UnmatchedPage.SortKeys);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        var state = UnmatchedStatus.Pending;
        if (!string.IsNullOrWhiteSpace(status) && !(Enum.TryParse(status, ignoreCase: true, out state) && Enum.IsDefined(state) && !status.Any(char.IsDigit)))
            return ProblemResults.Problem(Error.Validation("status", $"Unknown status '{status}': pending, matched or dismissed."));
        var library = libraryId is { } l ? new LibraryId(l) : (LibraryId?)null;
        var under = string.IsNullOrWhiteSpace(folder) ? null : folder.Trim().Trim('/');
        if (under is { Length: > 1000 }) return ProblemResults.Problem(Error.Validation("folder", "The folder is longer than 1000 characters."));
        return Results.Ok(await handler.Handle(new ListUnmatchedFiles(library, state, request.Value, string.IsNullOrEmpty(under) ? null : under), ct));
    }

    private static async Task<IResult> Get(Guid id, GetUnmatchedFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new GetUnmatchedFile(new UnmatchedFileId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Match(Guid id, MatchRequest request, MatchUnmatchedFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new MatchUnmatchedFile(new UnmatchedFileId(id), new MatchInput(request.TmdbId, request.Type, request.Season, request.Episodes)), ct))
            .ToHttpResult();

    private static async Task<IResult> Dismiss(Guid id, DismissUnmatchedFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new DismissUnmatchedFile(new UnmatchedFileId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Refresh(Guid id, RefreshSuggestionsHandler handler, CancellationToken ct) =>
        (await handler.Handle(new RefreshSuggestions(new UnmatchedFileId(id)), ct)).ToHttpResult();
}
