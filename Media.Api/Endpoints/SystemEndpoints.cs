using Media.Api.Background;
using Media.Application.Common;
using Media.Application.Settings;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

public static class SystemEndpoints
{
    public static void MapSystem(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/system/instance", Get).WithTags("System").RequireAuthorization(Permission.SettingsManage);
        v1.MapGet("/system/instances", List).WithTags("System").RequireAuthorization(Permission.SettingsManage);
    }

    /// <summary>The live instances on this database (a heartbeat within 30 s): what each runs and its last heartbeat.</summary>
    private static async Task<IResult> List(IInstanceRegistry registry, TimeProvider clock, CancellationToken ct) =>
        Results.Ok(new { Items = await registry.LiveAsync(clock.GetUtcNow() - InstanceHeartbeat.LiveFor, ct) });

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
