using Media.Application.Settings;

namespace Media.Api.Background;

/// <summary>
/// Reads the settings again every Settings__RefreshInterval (default 2 s), so that a change made through another
/// instance (PUT /v1/settings/{key}) takes effect here within seconds. The table holds a handful of rows.
/// </summary>
internal sealed class SettingsRefresher(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<SettingsRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Settings:RefreshInterval", TimeSpan.FromSeconds(2));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SettingsHandler>().LoadAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Settings could not be read again; the ones in memory stay");
            }
        }
    }
}
