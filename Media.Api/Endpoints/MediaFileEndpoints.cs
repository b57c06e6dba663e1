using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.MediaFiles;
using Media.Application.Probing;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Probes;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

internal static class MediaFileEndpoints
{
    public static void MapMediaFiles(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/media-files").WithTags("Media files");
        group.MapGet("/", List).RequireAuthorization(Permission.MediaRead);
        group.MapGet("/missing-folders", MissingFolders).RequireAuthorization(Permission.MediaRead);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Permission.MediaRead);
        group.MapDelete("/{id:guid}", Forget).RequireAuthorization(Permission.LibrariesManage);
        v1.MapGet("/imports", Imports).WithTags("Import history").RequireAuthorization(Permission.MediaRead);
    }

    private static async Task<IResult> List(
        ListMediaFilesHandler handler, CancellationToken ct, Guid? libraryId = null, Guid? mediaItemId = null, bool? exists = null, string? folder = null,
        string? videoCodec = null, string? resolution = null, bool? hdr = null, string? audioLanguage = null, bool? probeFailed = null,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, MediaFilesPage.SortKeys);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        var under = Folder(folder);
        if (under.IsFailure) return ProblemResults.Problem(under.Error!);
        var content = Content(videoCodec, resolution, hdr, audioLanguage, probeFailed);
        if (content.IsFailure) return ProblemResults.Problem(content.Error!);
        return Results.Ok(await handler.Handle(new ListMediaFiles(
            libraryId is { } l ? new LibraryId(l) : null, mediaItemId is { } m ? new MediaItemId(m) : null, exists, request.Value, under.Value,
            content.Value), ct));
    }

    /// <summary>The content filters: an ffprobe codec name, a resolution class, HDR or not, an audio language code, probe failed or not.</summary>
    private static Result<ContentFilter> Content(string? videoCodec, string? resolution, bool? hdr, string? audioLanguage, bool? probeFailed)
    {
        var codec = string.IsNullOrWhiteSpace(videoCodec) ? null : videoCodec.Trim().ToLowerInvariant();
        if (codec is not null && (codec.Length > 32 || !codec.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            return Error.Validation("videoCodec", "An ffprobe codec name (h264, hevc, av1...).");
        var size = string.IsNullOrWhiteSpace(resolution) ? null : resolution.Trim().ToLowerInvariant();
        if (size is not null && !ResolutionClass.All.Contains(size))
            return Error.Validation("resolution", $"One of {string.Join(", ", ResolutionClass.All)}.");
        var language = string.IsNullOrWhiteSpace(audioLanguage) ? null : audioLanguage.Trim().ToLowerInvariant();
        if (language is not null && (language.Length is < 2 or > 3 || !language.All(char.IsAsciiLetterLower)))
            return Error.Validation("audioLanguage", "A language code as files tag it (ISO 639-2: eng, fre, ger...).");
        return new ContentFilter(codec, size, hdr, language, probeFailed);
    }

    /// <summary>A library-relative folder filter: trimmed of slashes; empty means none.</summary>
    private static Result<string?> Folder(string? folder)
    {
        var trimmed = folder?.Trim().Trim('/');
        if (trimmed is { Length: > 1000 }) return Error.Validation("folder", "The folder is longer than 1000 characters.");
        return string.IsNullOrEmpty(trimmed) ? (string?)null : trimmed;
    }

    private static async Task<IResult> MissingFolders(
        ListMissingFoldersHandler handler, CancellationToken ct, Guid? libraryId = null, int? page = null, int? pageSize = null)
    {
        var request = PageRequest.Create(page, pageSize, null, null, []);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        return Results.Ok(await handler.Handle(new ListMissingFolders(libraryId is { } l ? new LibraryId(l) : null, request.Value), ct));
    }

    private static async Task<IResult> Get(Guid id, GetMediaFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new GetMediaFile(new MediaFileId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Forget(Guid id, ForgetMediaFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new ForgetMediaFile(new MediaFileId(id)), ct)).ToHttpResult();

    private static async Task<IResult> Imports(
        ListImportsHandler handler, CancellationToken ct, Guid? mediaFileId = null, Guid? downloadJobId = null, bool? succeeded = null,
        string? method = null, string? errorCode = null, string? path = null,
        int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, ImportsPage.SortKeys);
        if (request.IsFailure) return ProblemResults.Problem(request.Error!);
        ImportMethod? how = null;
        if (!string.IsNullOrWhiteSpace(method))
        {
            if (!Enum.TryParse<ImportMethod>(method.Replace("_", ""), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || method.Any(char.IsDigit))
                return ProblemResults.Problem(Error.Validation("method", $"Unknown method '{method}': hardlink, copy, scan, manual_match, xattr or move."));
            how = parsed;
        }
        if (errorCode is { Length: > 100 } || path is { Length: > 1000 })
            return ProblemResults.Problem(Error.Validation("path", "The filter is too long."));
        var filter = new ImportFilter(how, string.IsNullOrWhiteSpace(errorCode) ? null : errorCode.Trim(), string.IsNullOrWhiteSpace(path) ? null : path.Trim());
        return Results.Ok(await handler.Handle(new ListImports(
            mediaFileId is { } f ? new MediaFileId(f) : null, downloadJobId is { } j ? new DownloadJobId(j) : null, succeeded, request.Value, filter), ct));
    }
}
