using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.Scans;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>The scan's move recognition on the scope's DbContext: looked up by id or inode, written in chunks and let go.</summary>
internal sealed class FileMoveStore(MediaDbContext db) : IFileMoveStore
{
    private const int Chunk = 500;

    public async Task<IReadOnlyList<MoveCandidate>> CandidatesAsync(
        IReadOnlyCollection<MediaFileId> ids, IReadOnlyCollection<long> inodes, CancellationToken ct)
    {
        var found = new List<MoveCandidate>();
        foreach (var chunk in ids.Chunk(Chunk))
            found.AddRange(await Project(db.Set<MediaFile>().AsNoTracking().Where(f => chunk.Contains(f.Id))).ToListAsync(ct));
        foreach (var chunk in inodes.Chunk(Chunk))
        {
            var wanted = chunk.Select(i => (long?)i).ToList();
            found.AddRange(await Project(db.Set<MediaFile>().AsNoTracking().Where(f => wanted.Contains(f.State.Inode))).ToListAsync(ct));
        }
        return found.DistinctBy(c => c.Id).ToList();
    }

    private static IQueryable<MoveCandidate> Project(IQueryable<MediaFile> files) => files.Select(f => new MoveCandidate(
        f.Id, f.LibraryId, f.Path, f.State.Size, f.State.Exists, f.State.Device, f.State.Inode, f.State.ModifiedAt, f.State.IdentityStored));

    public async Task<IReadOnlyList<ScanProblem>> MoveAsync(IReadOnlyList<FileMove> moves, DateTimeOffset at, CancellationToken ct)
    {
        var problems = new List<ScanProblem>();
        foreach (var chunk in moves.Chunk(Chunk))
        {
            var changed = await ApplyAsync(chunk, at, problems, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                Detach(changed);
            }
            catch (DbUpdateException)
            {
                // One move the database refuses fails the chunk: each is made again on its own, and the ones that fail reported.
                Detach(changed);
                foreach (var move in chunk)
                {
                    var single = await ApplyAsync([move], at, [], ct);
                    try
                    {
                        await db.SaveChangesAsync(ct);
                    }
                    catch (DbUpdateException e)
                    {
                        problems.Add(new ScanProblem(move.ToPath, "move_not_recorded",
                            $"Recognised as '{move.From}' moved here, but the database refused the move: {(e.InnerException ?? e).Message}"));
                    }
                    Detach(single);
                }
            }
        }
        return problems;
    }

    private async Task<List<object>> ApplyAsync(IReadOnlyList<FileMove> moves, DateTimeOffset at, List<ScanProblem> problems, CancellationToken ct)
    {
        var ids = moves.Select(m => m.File).ToList();
        var files = await db.Set<MediaFile>().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
        var changed = new List<object>(files.Values);
        foreach (var move in moves)
        {
            if (!files.TryGetValue(move.File, out var file))
            {
                problems.Add(new ScanProblem(move.ToPath, "move_not_recorded", $"Recognised as '{move.From}' moved here, but that media file was forgotten meanwhile."));
                continue;
            }
            var moved = file.MoveTo(move.To, move.ToPath, move.Probe.Size, at);
            if (moved.IsFailure)
            {
                problems.Add(new ScanProblem(move.ToPath, "move_not_recorded", moved.Error!.Message));
                continue;
            }
            file.SeenOnDisk(move.Probe.Device, move.Probe.Inode, move.Probe.ModifiedAt);
            var entry = ImportAttempt.Moved(file.Id, move.From, move.ToPath, move.How, at, move.Note);
            db.Add(entry);
            changed.Add(entry);
        }
        return changed;
    }

    public async Task ReplacedAsync(MediaFileId file, DateTimeOffset at, CancellationToken ct)
    {
        // Statements of their own (the scan's pending rows stay pending); two, as the state is a table of its own.
        var path = await db.Set<MediaFile>().Where(f => f.Id == file).Select(f => f.Path).FirstOrDefaultAsync(ct);
        if (path is null) return;
        var key = MediaFile.ReplacedPathKey(path, file);
        await db.Set<MediaFile>().Where(f => f.Id == file).ExecuteUpdateAsync(s => s.SetProperty(f => f.PathHash, key), ct);
        await db.Set<MediaFile>().Where(f => f.Id == file).ExecuteUpdateAsync(s => s.SetProperty(f => f.State.Exists, false), ct);
        await db.Set<MediaFile>().Where(f => f.Id == file).ExecuteUpdateAsync(s => s.SetProperty(f => f.State.LastVerifiedAt, at), ct);
    }

    public async Task RecordDiskAsync(IReadOnlyCollection<(MediaFileId Id, FileProbe Probe)> files, CancellationToken ct)
    {
        foreach (var chunk in files.Chunk(Chunk * 2))
        {
            var probes = chunk.ToDictionary(c => c.Id, c => c.Probe);
            var ids = probes.Keys.ToList();
            var entities = await db.Set<MediaFile>().Where(f => ids.Contains(f.Id)).ToListAsync(ct);
            foreach (var file in entities) file.SeenOnDisk(probes[file.Id].Device, probes[file.Id].Inode, probes[file.Id].ModifiedAt);
            await db.SaveChangesAsync(ct);
            Detach(entities);
        }
    }

    private void Detach(IEnumerable<object> entities)
    {
        foreach (var entity in entities) db.Entry(entity).State = EntityState.Detached;
    }
}
