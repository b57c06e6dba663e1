using Media.Application.Downloads;

namespace Media.Api.Background;

/// <summary>
/// Polls the download clients (Downloads__PollInterval, default 10 s) and moves jobs along; a client that is down
/// is retried with a growing pause, up to five minutes.
/// </summary>
internal sealed class DownloadMonitor(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<DownloadMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Downloads:PollInterval", TimeSpan.FromSeconds(10));
        var pause = interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DownloadJobHandler>().PollAsync(stoppingToken);
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
}
