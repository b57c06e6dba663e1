using Media.Api.Background;
using Media.Application.Settings;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

/// <summary>This instance's identity and what it is doing: which scans it runs, whether it leads the download monitor.</summary>
internal sealed record InstanceIdentity(string Id, string Name, DateTimeOffset StartedAt)
{
    public static InstanceIdentity Create() =>
        new(Guid.CreateVersion7().ToString("N")[..12], $"{Environment.MachineName}:{Environment.ProcessId}", DateTimeOffset.UtcNow);
}

public static class SystemEndpoints
{
    public static void MapSystem(this IEndpointRouteBuilder v1) =>
        v1.MapGet("/system/instance", Get).WithTags("System").RequireAuthorization(Permission.SettingsManage);

    /// <summary>
    /// The instance that answers: its id, name and start, the scans it runs now, whether it leads the download monitor,
    /// and the non-secret settings in effect here (a change made through another instance shows here within seconds).
    /// </summary>
    private static IResult Get(InstanceIdentity identity, ScanWorker scans, DownloadMonitor downloads, RuntimeSettings settings) =>
        Results.Ok(new
        {
            identity.Id,
            identity.Name,
            identity.StartedAt,
            RunningScans = scans.Running.Select(s => s.Value).ToList(),
            DownloadMonitorLeader = downloads.IsLeader,
            Settings = SettingsCatalog.All.Where(d => !d.Secret).ToDictionary(d => d.Key, d => settings[d.Key]),
        });
}
