using Media.Application.Common;

namespace Media.Api.Background;

/// <summary>Writes this instance's heartbeat (what it runs, whether it leads the download monitor) every 5 s.</summary>
internal sealed class InstanceHeartbeat(
    InstanceIdentity me, ScanWorker scans, DownloadMonitor downloads, IServiceScopeFactory scopes, TimeProvider clock,
    ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    /// <summary>An instance whose heartbeat is older than this is not listed as live.</summary>
    public static readonly TimeSpan LiveFor = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IInstanceRegistry>()
                    .BeatAsync(me, downloads.IsLeader, [.. scans.Running.Select(s => s.Value)], clock.GetUtcNow(), stoppingToken);
                await Task.Delay(Every, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The instance heartbeat could not be written");
                try { await Task.Delay(Every, clock, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
