using Media.Application.Common;
using Media.Application.Downloads;

namespace Media.Api.Background;

/// <summary>
/// Polls the download clients (Downloads__PollInterval, default 10 s) and moves jobs along, each job in its own unit of
/// work (a refused save of one job is logged and ends that job's turn, not the round); a client that is down is retried
/// with a growing pause. An import silent for Downloads__ImportAbandonedAfter (default 30 minutes) is failed, retryable.
/// Among instances sharing one database, only the leader of the "downloads" role polls (<see cref="ILeadership"/>);
/// when it dies another takes over at its next round. The jobs' concurrency token stays as a second guard.
/// </summary>
internal sealed class DownloadMonitor(
    IServiceScopeFactory scopes, ILeadership leadership, IConfiguration configuration, ILogger<DownloadMonitor> logger) : BackgroundService
{
    public const string Role = "downloads";

    /// <summary>Whether this instance polled the download clients in its last round.</summary>
    public bool IsLeader { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Downloads:PollInterval", TimeSpan.FromSeconds(10));
        var abandonedAfter = configuration.GetValue("Downloads:ImportAbandonedAfter", TimeSpan.FromMinutes(30));
        var pause = interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IsLeader = await leadership.IsLeaderAsync(Role, stoppingToken);
                if (IsLeader) await RoundAsync(scopes, abandonedAfter, logger, stoppingToken);
                pause = interval;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
                logger.LogWarning(e, "Download monitor round failed; next try in {Pause}", pause);
            }
            try { await Task.Delay(pause, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One round: every active job, each in a scope of its own.</summary>
    public static async Task RoundAsync(IServiceScopeFactory scopes, TimeSpan abandonedAfter, ILogger logger, CancellationToken ct)
    {
        IReadOnlyList<Domain.Common.DownloadJobId> active;
        await using (var scope = scopes.CreateAsyncScope())
            active = await scope.ServiceProvider.GetRequiredService<ListActiveDownloadJobsHandler>().Handle(new ListActiveDownloadJobs(), ct);
        foreach (var id in active)
        {
            await using var scope = scopes.CreateAsyncScope();
            var tracked = await scope.ServiceProvider.GetRequiredService<TrackDownloadJobHandler>().Handle(new TrackDownloadJob(id, abandonedAfter), ct);
            if (tracked.IsFailure)
                logger.LogWarning("Download job {Job}: {Code} {Error}", id.Value, tracked.Error!.Code, tracked.Error.Message);
        }
    }
}
