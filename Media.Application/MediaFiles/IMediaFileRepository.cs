using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.MediaFiles;

namespace Media.Application.MediaFiles;

/// <summary>Where a file is and when its state was last checked: all that grouping by folder needs.</summary>
public sealed record FileLocation(LibraryId Library, string Path, DateTimeOffset LastVerifiedAt);

public interface IMediaFileRepository : IRepository<MediaFile, MediaFileId>
{
    /// <summary>The locations of the files that exist (or are missing), streamed: one narrow row per file.</summary>
    IAsyncEnumerable<FileLocation> LocationsAsync(LibraryId? library, bool exists, CancellationToken ct);
}
