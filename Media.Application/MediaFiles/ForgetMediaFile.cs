using Media.Domain.Common;
using Media.Domain.MediaFiles;

namespace Media.Application.MediaFiles;

public sealed record ForgetMediaFile(MediaFileId Id);

/// <summary>Removes a missing file from the library; the disk is never touched, and a file still on disk stays.</summary>
public sealed class ForgetMediaFileHandler(IMediaFileRepository files)
{
    public async Task<Result> Handle(ForgetMediaFile cmd, CancellationToken ct)
    {
        if (await files.FindAsync(cmd.Id, ct) is not { } file) return MediaFileErrors.NotFound(cmd.Id);
        var allowed = file.CanForget();
        if (allowed.IsFailure) return allowed;
        return await files.RemoveAsync(file, ct);
    }
}
