using Ardalis.Specification;
using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.MediaItems;

namespace Media.Application.Downloads;

public interface IDownloadJobRepository : IRepository<DownloadJob, DownloadJobId>;

public sealed record DownloadJobDto(
    Guid Id, Guid MediaItemId, IReadOnlyList<Guid> EpisodeIds, Guid DownloaderId, Guid LibraryId, string Source, DownloadStatus Status,
    double Progress, string? Hash, string? SavePath, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What a client sends: the title (and episodes), where it goes, which client, and the release.</summary>
public sealed record DownloadJobInput(Guid? MediaItemId, IReadOnlyList<Guid>? EpisodeIds, Guid? DownloaderId, Guid? LibraryId, string? Source, string? Torrent);

/// <summary>The jobs the monitor looks at: those the client still works on, completed ones, and imports (which may be abandoned).</summary>
public sealed class ActiveDownloadJobs : Specification<DownloadJob, DownloadJobId>
{
    public ActiveDownloadJobs()
    {
        Query.Where(j => j.Status == DownloadStatus.Queued || j.Status == DownloadStatus.Downloading || j.Status == DownloadStatus.Completed
                         || j.Status == DownloadStatus.Importing)
            .OrderBy(j => j.CreatedAt);
        Query.Select(j => j.Id);
    }
}

public sealed class DownloadJobsPage : Specification<DownloadJob>
{
    public static readonly IReadOnlyList<string> SortKeys = ["createdAt"];

    public DownloadJobsPage(PageRequest page)
    {
        Query.AsNoTracking();
        Query.OrderByThenId(j => j.CreatedAt, j => j.Id, page.SortKey is null ? SortDirection.Desc : page.Direction);
        Query.Page(page);
    }
}

/// <summary>Clients that did not answer: asked again after a pause that doubles per failure (up to ten minutes).</summary>
public sealed class DownloaderBackoff(TimeProvider clock)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DownloaderId, (int Failures, DateTimeOffset Next)> _down = new();

    public bool MayAsk(DownloaderId id) => !_down.TryGetValue(id, out var state) || clock.GetUtcNow() >= state.Next;

    public void Failed(DownloaderId id) => _down.AddOrUpdate(id,
        _ => (1, clock.GetUtcNow() + TimeSpan.FromSeconds(5)),
        (_, s) => (s.Failures + 1, clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, s.Failures)))));

    public void Answered(DownloaderId id) => _down.TryRemove(id, out _);
}

/// <summary>The client a downloader row names, with its password unprotected.</summary>
public sealed class DownloadClients(DownloaderHandler downloaders, IDownloadClientFactory factory)
{
    public IDownloadClient For(Downloader downloader) => factory.For(downloaders.Connection(downloader));
}

internal static class DownloadJobMapping
{
    public static DownloadJobDto ToDto(this DownloadJob j) => new(
        j.Id.Value, j.MediaItemId.Value, j.Episodes.Select(e => e.EpisodeId.Value).ToList(), j.DownloaderId.Value, j.LibraryId.Value, j.Source,
        j.Status, j.Progress, j.ClientReference, j.SavePath, j.Error, j.CreatedAt, j.UpdatedAt);
}

public sealed record ListDownloadJobs(PageRequest Page);

public sealed class ListDownloadJobsHandler(IDownloadJobRepository jobs)
{
    public async Task<PagedList<DownloadJobDto>> Handle(ListDownloadJobs query, CancellationToken ct)
    {
        var spec = new DownloadJobsPage(query.Page);
        var found = await jobs.ListAsync(spec, ct);
        return new PagedList<DownloadJobDto>(found.Select(j => j.ToDto()).ToList(), query.Page.Page, query.Page.PageSize, await jobs.CountAsync(spec, ct));
    }
}

public sealed record GetDownloadJob(DownloadJobId Id);

public sealed class GetDownloadJobHandler(IDownloadJobRepository jobs)
{
    public async Task<Result<DownloadJobDto>> Handle(GetDownloadJob query, CancellationToken ct) =>
        await jobs.FindAsync(query.Id, ct) is { } job ? job.ToDto() : DownloadJobErrors.NotFound(query.Id);
}

public sealed record DeleteDownloadJob(DownloadJobId Id);

/// <summary>Removes the torrent from its client (the data stays on disk), then the job.</summary>
public sealed class DeleteDownloadJobHandler(IDownloadJobRepository jobs, IDownloaderRepository downloaders, DownloadClients clients)
{
    public async Task<Result> Handle(DeleteDownloadJob cmd, CancellationToken ct)
    {
        if (await jobs.FindAsync(cmd.Id, ct) is not { } job) return DownloadJobErrors.NotFound(cmd.Id);
        if (job.ClientReference is not null && await downloaders.FindAsync(job.DownloaderId, ct) is { } downloader)
        {
            try { await clients.For(downloader).RemoveAsync(job.ClientReference, ct); }
            catch (DownloadClientException e) { return DownloaderErrors.Unreachable(e.Message); }
        }
        return await jobs.RemoveAsync(job, ct);
    }
}
