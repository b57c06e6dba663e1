using Ardalis.Specification;
using Media.Application.Probing;
using Media.Domain.Common;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.Probes;
using Media.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>The probe queue on <c>media_file_probe</c>, on a DbContext of its own per call (like the scan ledger).</summary>
internal sealed class ProbeQueue(IServiceScopeFactory scopes, Probing.ProbeSettings settings) : IProbeQueue
{
    private const int Chunk = 500;

    public async Task RequestAsync(IReadOnlyCollection<MediaFileId> files, DateTimeOffset at, CancellationToken ct)
    {
        // Probing off: nothing is queued (turned on, the worker queues at start every file without a probe).
        if (files.Count == 0 || !settings.Enabled) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        if (db.Database.IsNpgsql())
        {
            // One statement a chunk, on a scan's critical path: rows that exist are asked again (their claim cleared),
            // files without one get a row, files gone meanwhile are left out.
            var pending = db.Stored<MediaFileProbe>(nameof(MediaFileProbe.Status), ProbeStatus.Pending);
            foreach (var chunk in files.Distinct().Chunk(Chunk))
                await db.Database.ExecuteSqlRawAsync(
                    """
                    INSERT INTO media_file_probe (media_file_id, status, needed, requested_at)
                    SELECT f.id, @pending, true, @at FROM media_file f WHERE f.id = ANY(@ids)
                    ON CONFLICT (media_file_id) DO UPDATE SET needed = true, requested_at = excluded.requested_at,
                        claim_token = NULL, claimed_by = NULL, claimed_at = NULL
                    """,
                    [
                        new Npgsql.NpgsqlParameter("pending", pending), new Npgsql.NpgsqlParameter("at", at.ToUniversalTime()),
                        new Npgsql.NpgsqlParameter("ids", chunk.Select(id => id.Value).ToArray()),
                    ], ct);
            return;
        }
        foreach (var chunk in files.Distinct().Chunk(Chunk))
        {
            var ids = chunk.ToList();
            for (var attempt = 0; ; attempt++)
            {
                // Rows that exist are asked again (and lose any claim in flight); files without one get a row.
                await Again(db, ids, at, ct);
                var fresh = await db.Set<MediaFile>().AsNoTracking()
                    .Where(f => ids.Contains(f.Id) && !db.Set<MediaFileProbe>().Any(p => p.MediaFileId == f.Id)).Select(f => f.Id).ToListAsync(ct);
                if (fresh.Count == 0) break;
                db.AddRange(fresh.Select(id => MediaFileProbe.Requested(id, at)));
                try
                {
                    await db.SaveChangesAsync(ct);
                    break;
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Another writer added some of these rows first (or a file went): ask again with what is there now.
                    db.ChangeTracker.Clear();
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }
        }
    }

    private static Task<int> Again(MediaDbContext db, List<MediaFileId> ids, DateTimeOffset at, CancellationToken ct) =>
        db.Set<MediaFileProbe>().Where(p => ids.Contains(p.MediaFileId)).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.Needed, true).SetProperty(p => p.RequestedAt, at)
            .SetProperty(p => p.ClaimToken, (Guid?)null).SetProperty(p => p.ClaimedBy, (string?)null).SetProperty(p => p.ClaimedAt, (DateTimeOffset?)null), ct);

    public async Task<int> RequestUnprobedAsync(DateTimeOffset at, CancellationToken ct)
    {
        if (!settings.Enabled) return 0;
        var total = 0;
        while (true)
        {
            List<MediaFileId> ids;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
                ids = await db.Set<MediaFile>().AsNoTracking().Where(f => !db.Set<MediaFileProbe>().Any(p => p.MediaFileId == f.Id))
                    .Select(f => f.Id).Take(Chunk).ToListAsync(ct);
            }
            if (ids.Count == 0) return total;
            await RequestAsync(ids, at, ct);
            total += ids.Count;
        }
    }

    public async Task<IReadOnlyList<ProbeWork>> ClaimAsync(int max, string claimedBy, DateTimeOffset at, DateTimeOffset expiredBefore, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var claimable = db.Set<MediaFileProbe>().Where(p => p.Needed && (p.ClaimedAt == null || p.ClaimedAt < expiredBefore));
        var candidates = await claimable.OrderBy(p => p.RequestedAt).Select(p => p.MediaFileId).Take(max).ToListAsync(ct);
        if (candidates.Count == 0) return [];
        // Exactly one claimant per row, in any instance: the update holds only while the row is still claimable.
        var token = Guid.NewGuid();
        Guid? claim = token;
        DateTimeOffset? claimedAt = at;
        var name = claimedBy.Length <= 300 ? claimedBy : claimedBy[..300];
        var won = await claimable.Where(p => candidates.Contains(p.MediaFileId)).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.ClaimToken, claim).SetProperty(p => p.ClaimedBy, name).SetProperty(p => p.ClaimedAt, claimedAt), ct);
        if (won == 0) return [];
        return await (
            from p in db.Set<MediaFileProbe>().AsNoTracking()
            where p.ClaimToken == claim
            join f in db.Set<MediaFile>() on p.MediaFileId equals f.Id
            join l in db.Set<Library>() on f.LibraryId equals l.Id
            select new ProbeWork(f.Id, token, l.Storage.Provider, l.Storage.Root, f.Path, p.Status, p.FileSize, p.FileModifiedAt)).ToListAsync(ct);
    }

    public async Task<bool> CompleteAsync(ProbeWork work, Action<MediaFileProbe> record, IReadOnlyList<MediaStream>? streams, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        Guid? claim = work.Claim;
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var probe = await db.Set<MediaFileProbe>().FirstOrDefaultAsync(p => p.MediaFileId == work.File && p.ClaimToken == claim, token);
            if (probe is null) return false;
            record(probe);
            if (streams is not null)
            {
                await db.Set<MediaStream>().Where(s => EF.Property<MediaFileId>(s, MediaStreamConfiguration.FileColumn) == work.File).ExecuteDeleteAsync(token);
                foreach (var stream in streams)
                {
                    db.Add(stream);
                    db.Entry(stream).Property(MediaStreamConfiguration.FileColumn).CurrentValue = work.File;
                }
            }
            try
            {
                // The claim token is the row's concurrency token: a request that came in meanwhile makes this save find nothing.
                await db.SaveChangesAsync(token);
            }
            catch (DbUpdateConcurrencyException)
            {
                await transaction.RollbackAsync(token);
                return false;
            }
            await transaction.CommitAsync(token);
            return true;
        }, ct);
    }

    public async Task<int> NeededCountAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        return await db.Set<MediaFileProbe>().CountAsync(p => p.Needed, ct);
    }
}

/// <summary>A file's kept probe and streams, on the request's DbContext.</summary>
internal sealed class ProbeReader(MediaDbContext db) : IProbeReader
{
    public async Task<(MediaFileProbe Probe, IReadOnlyList<MediaStream> Streams)?> FindAsync(MediaFileId file, CancellationToken ct)
    {
        if (await db.Set<MediaFileProbe>().AsNoTracking().FirstOrDefaultAsync(p => p.MediaFileId == file, ct) is not { } probe) return null;
        var streams = await db.Set<MediaStream>().AsNoTracking()
            .Where(s => EF.Property<MediaFileId>(s, MediaStreamConfiguration.FileColumn) == file).OrderBy(s => s.Index).ToListAsync(ct);
        return (probe, streams);
    }

    public async Task<(IReadOnlyList<MediaFile> Items, int Total)> PageAsync(ISpecification<MediaFile> page, ContentFilter content, CancellationToken ct)
    {
        var files = db.Set<MediaFile>().AsQueryable();
        var probes = db.Set<MediaFileProbe>().AsQueryable();
        if (content.VideoCodec is { } codec) probes = probes.Where(p => p.VideoCodec == codec);
        if (content.Resolution is { } resolution) probes = probes.Where(p => p.Resolution == resolution);
        if (content.Hdr == true) probes = probes.Where(p => p.HdrFormat != null);
        if (content.Hdr == false) probes = probes.Where(p => p.Status == ProbeStatus.Probed && p.HdrFormat == null);
        if (content.ProbeFailed == true) probes = probes.Where(p => p.Status == ProbeStatus.Failed);
        if (content.ProbeFailed == false) probes = probes.Where(p => p.Status != ProbeStatus.Failed);
        if (content.VideoCodec is not null || content.Resolution is not null || content.Hdr is not null || content.ProbeFailed is not null)
            files = files.Where(f => probes.Any(p => p.MediaFileId == f.Id));
        if (content.AudioLanguage is { } language)
            files = files.Where(f => db.Set<MediaStream>().Any(s =>
                EF.Property<MediaFileId>(s, MediaStreamConfiguration.FileColumn) == f.Id && s.Kind == StreamKind.Audio && s.Language == language));
        var items = await SpecificationEvaluator.Apply(files, page).ToListAsync(ct);
        var total = await SpecificationEvaluator.Apply(files, page, paging: false).CountAsync(ct);
        return (items, total);
    }
}
