using Ardalis.Specification;
using Media.Application.Libraries;
using Media.Application.Settings;
using Media.Domain.Libraries;
using Media.Domain.Scans;

namespace Media.Application.Scanning;

public sealed class LastScanOf : SingleResultSpecification<Scan>
{
    public LastScanOf(Domain.Common.LibraryId library) =>
        Query.AsNoTracking().Where(s => s.LibraryId == library && s.Folder == null).OrderByDescending(s => s.QueuedAt);
}

/// <summary>The last complete verification: the newest whole-library scan that completed.</summary>
public sealed class LastCompleteScanOf : SingleResultSpecification<Scan>
{
    public LastCompleteScanOf(Domain.Common.LibraryId library) =>
        Query.AsNoTracking().Where(s => s.LibraryId == library && s.Folder == null && s.Status == ScanStatus.Completed).OrderByDescending(s => s.FinishedAt);
}

public sealed class AllLibraries : Specification<Library>
{
    public AllLibraries() => Query.AsNoTracking().OrderBy(l => l.Name);
}

/// <summary>
/// The scan schedule (setting scan.intervalMinutes; 0 = off): a library whose last whole scan was queued longer ago
/// than the interval gets a new one. A library already scanning is left alone.
/// </summary>
public sealed class ScheduledScansHandler(ILibraryRepository libraries, IScanRepository scans, StartScanHandler start, RuntimeSettings settings, TimeProvider clock)
{
    /// <summary>Starts the scans that are due; how many.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        if (!int.TryParse(settings["scan.intervalMinutes"], out var minutes) || minutes <= 0) return 0;
        var interval = TimeSpan.FromMinutes(minutes);
        var started = 0;
        foreach (var library in await libraries.ListAsync(new AllLibraries(), ct))
        {
            var last = await scans.FirstOrDefaultAsync(new LastScanOf(library.Id), ct);
            if (last is not null && clock.GetUtcNow() - last.QueuedAt < interval) continue;
            if ((await start.Handle(new StartScan(library.Id, null), ct)).IsSuccess) started++;
        }
        return started;
    }
}
