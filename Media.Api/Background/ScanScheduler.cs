using Media.Application.Scanning;

namespace Media.Api.Background;

/// <summary>Checks the scan schedule every minute (Scans__ScheduleCheck to change).</summary>
internal sealed class ScanScheduler(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ScanScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = configuration.GetValue("Scans:ScheduleCheck", TimeSpan.FromMinutes(1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var started = await scope.ServiceProvider.GetRequiredService<ScheduledScansHandler>().RunDueAsync(stoppingToken);
                if (started > 0) logger.LogInformation("Scheduled scans started: {Count}", started);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The scan schedule could not be checked");
            }
            try { await Task.Delay(every, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}
