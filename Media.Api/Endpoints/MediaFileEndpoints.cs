using Media.Api.Problems;
using Media.Application.MediaFiles;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

internal static class MediaFileEndpoints
{
    public static void MapMediaFiles(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/media-files").WithTags("Media files");
        group.MapDelete("/{id:guid}", Forget).RequireAuthorization(Permission.LibrariesManage);
    }

    private static async Task<IResult> Forget(Guid id, ForgetMediaFileHandler handler, CancellationToken ct) =>
        (await handler.Handle(new ForgetMediaFile(new MediaFileId(id)), ct)).ToHttpResult();
}
