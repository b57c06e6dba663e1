using Media.Application.Probing;
using Media.Infrastructure.Probing;

namespace Media.Api.Background;

/// <summary>
/// Drains the probe queue (<c>media_file_probe.needed</c>, shared by every instance on one database) in batches. At start
/// every media file without a probe row is queued. While this instance runs a scan the worker steps aside
/// (<c>Probes__WhileScanning</c> probes at once, default none), so a first scan is never held up by ffprobe; the queue
/// drains after it. When ffprobe is missing, nothing is claimed and the reason is logged.
/// </summary>
internal sealed class ProbeWorker(
    ProbeRunner runner, IProbeQueue queue, IMediaProbe probe, ProbeSettings settings, ScanWorker scans, TimeProvider clock, ILogger<ProbeWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            logger.LogInformation("Probing is off (Probes__Enabled=false): no file is probed");
            return;
        }
        await Task.Yield();
        try
        {
            var queued = await queue.RequestUnprobedAsync(clock.GetUtcNow(), stoppingToken);
            if (queued > 0) logger.LogInformation("{Count} media files without a probe were queued for one", queued);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The files without a probe could not be queued");
        }
        string? unavailable = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var reason = await probe.UnavailableReasonAsync(stoppingToken);
                if (reason != unavailable && reason is not null) logger.LogWarning("Probes cannot run: {Reason}", reason);
                unavailable = reason;
                var parallel = scans.Running.Count > 0 ? settings.WhileScanning : settings.Options.Parallel;
                if (reason is null && parallel > 0
                    && await runner.RunBatchAsync(parallel * settings.BatchPerSlot, parallel, settings.LeaseTimeout, stoppingToken) > 0)
                    continue; // more may wait: no pause while the queue drains
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The probe queue could not be read; trying again");
            }
            try
            {
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
