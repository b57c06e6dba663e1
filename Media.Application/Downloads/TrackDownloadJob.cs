using Media.Domain.Common;
using Media.Domain.Downloads;

namespace Media.Application.Downloads;

public sealed record ListActiveDownloadJobs;

/// <summary>The jobs one round of the monitor looks at, oldest first.</summary>
public sealed class ListActiveDownloadJobsHandler(IDownloadJobRepository jobs)
{
    public async Task<IReadOnlyList<DownloadJobId>> Handle(ListActiveDownloadJobs query, CancellationToken ct) =>
        await jobs.ListAsync(new ActiveDownloadJobs(), ct);
}

/// <summary>One job in one round of the monitor; <paramref name="ImportAbandonedAfter"/>: how long an import may stay silent.</summary>
public sealed record TrackDownloadJob(DownloadJobId Id, TimeSpan ImportAbandonedAfter);

/// <summary>
/// Asks the client about a job and moves it along (queued -> downloading -> completed), imports it when completed, and
/// fails an import whose instance stopped reporting (so that it can be retried). A client that does not answer leaves the
/// job where it is, with the error noted, and is asked again after a doubling pause. A refused save ends the round for
/// this job: it is logged by the caller, and the next round starts again from the database.
/// </summary>
public sealed class TrackDownloadJobHandler(
    IDownloadJobRepository jobs, IDownloaderRepository downloaders, DownloadClients clients, DownloaderBackoff backoff,
    ImportDownloadJobHandler importer, TimeProvider clock)
{
    public async Task<Result> Handle(TrackDownloadJob cmd, CancellationToken ct)
    {
        if (await jobs.FindAsync(cmd.Id, ct) is not { } job) return DownloadJobErrors.NotFound(cmd.Id);
        var now = clock.GetUtcNow();
        switch (job.Status)
        {
            case DownloadStatus.Importing:
                if (!job.IsAbandonedImport(now, cmd.ImportAbandonedAfter)) return Result.Ok(); // someone is importing it
                job.Fail("The import was interrupted (the instance running it stopped); retry it with POST /v1/download-jobs/{id}/import.", now);
                return await jobs.SaveAsync(ct);
            case DownloadStatus.Completed:
                return await importer.Handle(new ImportDownloadJob(job.Id), ct);
            case DownloadStatus.Queued or DownloadStatus.Downloading:
                break;
            default:
                return Result.Ok();
        }

        if (job.ClientReference is null || await downloaders.FindAsync(job.DownloaderId, ct) is not { } downloader) return Result.Ok();
        if (!backoff.MayAsk(downloader.Id)) return Result.Ok();
        try
        {
            var status = await clients.For(downloader).GetAsync(job.ClientReference, ct);
            backoff.Answered(downloader.Id);
            if (status is null) job.Fail("The download client no longer has this torrent.", now);
            else if (status.State == TorrentState.Error) job.ClientProblem($"The client reports an error: {status.Error}", now);
            else
            {
                var progressed = job.Progressed(job.ClientReference, status.State == TorrentState.Completed ? 1 : Math.Min(status.Progress, 0.999), status.SavePath, now);
                if (progressed.IsFailure) return progressed;
            }
        }
        catch (DownloadClientException e)
        {
            job.ClientProblem(e.Message, now); // the client is down: the job waits where it is
            backoff.Failed(downloader.Id);
        }
        var saved = await jobs.SaveAsync(ct);
        if (saved.IsFailure) return saved; // another instance moved the job first: theirs
        return job.Status == DownloadStatus.Completed ? await importer.Handle(new ImportDownloadJob(job.Id), ct) : Result.Ok();
    }
}
