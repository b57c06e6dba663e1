using Ardalis.Specification;
using Media.Application.Common;
using Media.Application.Libraries;
using Media.Domain.Common;
using Media.Domain.Libraries;
using Media.Domain.Scans;

namespace Media.Application.Scanning;

public sealed record StartScan(LibraryId Library, string? Folder);

public sealed class StartScanHandler(ILibraryRepository libraries, IScanRepository scans, IScanQueue queue, TimeProvider clock)
{
    /// <summary>A scan that has not reported for this long is taken as abandoned (its instance stopped).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async Task<Result<ScanDto>> Handle(StartScan cmd, CancellationToken ct)
    {
        if (await libraries.FindAsync(cmd.Library, ct) is null) return LibraryErrors.NotFound(cmd.Library);
        var now = clock.GetUtcNow();
        var scan = Scan.Queue(cmd.Library, string.IsNullOrWhiteSpace(cmd.Folder) ? null : cmd.Folder, now);
        if (scan.IsFailure) return scan.Error!;

        if (await scans.FirstOrDefaultAsync(new ActiveScanOf(cmd.Library), ct) is { } active)
        {
            if (!active.IsAbandoned(now, AbandonedAfter)) return ScanErrors.AlreadyRunning(cmd.Library);
            active.Fail("Abandoned: the instance running this scan stopped reporting.", now);
            var saved = await scans.SaveAsync(ct);
            if (saved.IsFailure) return saved.Error!;
        }

        // The partial unique index decides when two instances ask at the same moment.
        var added = await scans.AddAsync(scan.Value, ct);
        if (added.IsFailure) return added.Error!.Code == "scan.already_running" ? ScanErrors.AlreadyRunning(cmd.Library) : added.Error!;
        await queue.EnqueueAsync(scan.Value.Id, ct);
        return scan.Value.To<ScanDto>();
    }
}

public sealed record GetScan(ScanId Id);

public sealed class GetScanHandler(IScanRepository scans)
{
    public async Task<Result<ScanDto>> Handle(GetScan query, CancellationToken ct) =>
        await scans.FirstOrDefaultAsync(new ScanById(query.Id), ct) is { } scan ? scan.To<ScanDto>() : ScanErrors.NotFound(query.Id);
}

public sealed record ListScans(LibraryId? Library, PageRequest Page);

public sealed class ListScansHandler(IScanRepository scans)
{
    public async Task<PagedList<ScanDto>> Handle(ListScans query, CancellationToken ct)
    {
        var page = await scans.PageAsync(new ScansPage(query.Library, query.Page), query.Page, ct);
        return new PagedList<ScanDto>(page.Items.To<List<ScanDto>>(), page.Page, page.PageSize, page.TotalCount);
    }
}

public sealed class ActiveScanOf : SingleResultSpecification<Scan>
{
    public ActiveScanOf(LibraryId library) =>
        Query.Where(s => s.LibraryId == library && (s.Status == ScanStatus.Queued || s.Status == ScanStatus.Running));
}

/// <summary>Scans waiting their turn, oldest first: picked up again when an instance starts.</summary>
public sealed class QueuedScans : Specification<Scan>
{
    public QueuedScans() => Query.AsNoTracking().Where(s => s.Status == ScanStatus.Queued).OrderBy(s => s.QueuedAt);
}

public sealed class ScanById : SingleResultSpecification<Scan>
{
    public ScanById(ScanId id) => Query.AsNoTracking().Where(s => s.Id == id);
}

/// <summary>Newest first by default: a history.</summary>
public sealed class ScansPage : Specification<Scan>
{
    public static readonly IReadOnlyList<string> SortKeys = ["queuedAt"];

    public ScansPage(LibraryId? library, PageRequest page)
    {
        Query.AsNoTracking();
        if (library is { } id) Query.Where(s => s.LibraryId == id);
        var direction = page.SortKey is null ? SortDirection.Desc : page.Direction;
        Query.OrderByThenId(s => s.QueuedAt, s => s.Id, direction);
        Query.Page(page);
    }
}
