using Media.Application.Common;
using Media.Domain.Instances;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence.Repositories;

internal sealed class InstanceRegistry(MediaDbContext db) : IInstanceRegistry
{
    public async Task BeatAsync(InstanceIdentity me, bool downloadLeader, IReadOnlyCollection<Guid> runningScans, DateTimeOffset at, CancellationToken ct)
    {
        var row = await db.Set<ServiceInstance>().FirstOrDefaultAsync(i => i.Id == me.Id, ct);
        if (row is null) db.Add(row = ServiceInstance.Start(me.Id, me.Name, me.StartedAt));
        row.Beat(at, downloadLeader, runningScans);
        await db.SaveChangesAsync(ct);
        // Instances silent for a day are let go: the table lists a cluster, not its history.
        var forgotten = at.AddDays(-1);
        await db.Set<ServiceInstance>().Where(i => i.HeartbeatAt < forgotten).ExecuteDeleteAsync(ct);
    }

    public async Task<IReadOnlyList<InstanceDto>> LiveAsync(DateTimeOffset since, CancellationToken ct) =>
        (await db.Set<ServiceInstance>().AsNoTracking().Where(i => i.HeartbeatAt >= since).ToListAsync(ct))
            .OrderBy(i => i.StartedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => new InstanceDto(i.Id, i.Name, i.StartedAt, i.HeartbeatAt, i.DownloadLeader, i.RunningScans)).ToList();
}
