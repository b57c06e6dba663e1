namespace Media.Domain.Instances;

/// <summary>
/// One running instance of the service among those sharing a database: who it is, since when, its last heartbeat, and
/// what it is doing (the scans it runs, whether it leads the download monitor). Live while its heartbeat is recent.
/// </summary>
public sealed class ServiceInstance
{
    private ServiceInstance() { } // for EF

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset HeartbeatAt { get; private set; }
    public bool DownloadLeader { get; private set; }
    public List<Guid> RunningScans { get; private set; } = [];

    public static ServiceInstance Start(string id, string name, DateTimeOffset at) =>
        string.IsNullOrWhiteSpace(id) ? throw new ArgumentException("An instance has an id.", nameof(id))
        : new ServiceInstance { Id = id, Name = name, StartedAt = at, HeartbeatAt = at };

    public void Beat(DateTimeOffset at, bool downloadLeader, IEnumerable<Guid> runningScans)
    {
        (HeartbeatAt, DownloadLeader, RunningScans) = (at, downloadLeader, [.. runningScans]);
    }

    public bool IsLive(DateTimeOffset now, TimeSpan timeout) => now - HeartbeatAt <= timeout;
}
