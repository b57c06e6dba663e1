using Media.Domain.Instances;

namespace Media.Application.Common;

/// <summary>This process among the instances sharing one database: a random id, its name (host:pid) and start.</summary>
public sealed record InstanceIdentity(string Id, string Name, DateTimeOffset StartedAt)
{
    public static InstanceIdentity Create() =>
        new(Guid.NewGuid().ToString("N")[..12], $"{Environment.MachineName}:{Environment.ProcessId}", DateTimeOffset.UtcNow);
}

/// <summary>A live instance as the API shows it.</summary>
public sealed record InstanceDto(string Id, string Name, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, bool DownloadLeader, IReadOnlyList<Guid> RunningScans);

/// <summary>The instances on one database: each writes its heartbeat; anyone lists the live ones.</summary>
public interface IInstanceRegistry
{
    Task BeatAsync(InstanceIdentity me, bool downloadLeader, IReadOnlyCollection<Guid> runningScans, DateTimeOffset at, CancellationToken ct);

    Task<IReadOnlyList<InstanceDto>> LiveAsync(DateTimeOffset since, CancellationToken ct);
}
