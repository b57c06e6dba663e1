using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Unmatched;

namespace Media.Application.Unmatched;

public interface IUnmatchedFileRepository : IRepository<UnmatchedFile, UnmatchedFileId>
{
    /// <summary>
    /// One page of the queue in its stable order (discovered at, then id), cheap however deep the page: the page's
    /// ids come from the covering index alone, and the total from counts the database keeps up to date.
    /// </summary>
    /// <param name="folder">Only files under this library-relative folder (then the total is counted, not read from the kept counts).</param>
    Task<PagedList<UnmatchedFile>> QueuePageAsync(LibraryId? library, UnmatchedStatus status, string? folder, PageRequest page, CancellationToken ct);

    /// <summary>
    /// Saves the unit of work in which <paramref name="resolved"/> left the queue (matched or dismissed), only if its row
    /// is still pending in the database: of concurrent resolutions exactly one is saved, the others get
    /// <c>unmatched_file.already_resolved</c> and save nothing.
    /// </summary>
    Task<Result> SaveResolutionAsync(UnmatchedFile resolved, CancellationToken ct);
}
