using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.Scans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>
/// The scan's move recognition: looked up on the scope's DbContext (the scan's), moves written on a DbContext of their
/// own, in chunks, so that they can be written while the scan goes on with its own.
/// </summary>
internal sealed class FileMoveStore(MediaDbContext db, IServiceScopeFactory scopes) : IFileMoveStore
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
        await using var scope = scopes.CreateAsyncScope();
        var own = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var problems = new List<ScanProblem>();
        // PostgreSQL: the files are read untracked and written set-based (SaveSetBasedAsync).
        var setBased = own.Database.IsNpgsql();
        foreach (var chunk in moves.Chunk(Chunk))
        {
            var changed = await ApplyAsync(own, chunk, at, problems, tracked: !setBased, ct);
            try
            {
                if (setBased) await SaveSetBasedAsync(own, changed, ct);
                else await own.SaveChangesAsync(ct);
                Detach(own, changed);
            }
            catch (Exception failure) when (failure is DbUpdateException or Npgsql.PostgresException)
            {
                // One move the database refuses fails the chunk: each is made again on its own, and the ones that fail reported.
                Detach(own, changed);
                foreach (var move in chunk)
                {
                    var single = await ApplyAsync(own, [move], at, [], tracked: true, ct);
                    try
                    {
                        await own.SaveChangesAsync(ct);
                    }
                    catch (DbUpdateException e)
                    {
                        problems.Add(new ScanProblem(move.ToPath, "move_not_recorded",
                            $"Recognised as '{move.From}' moved here, but the database refused the move: {(e.InnerException ?? e).Message}"));
                    }
                    Detach(own, single);
                }
            }
        }
        return problems;
    }

    /// <summary>
    /// PostgreSQL: the moved files' paths and states in one statement per table for the whole chunk (arrays unnested),
    /// and their history entries, in one transaction; two statements per file cost a scan seconds at thousands of moves.
    /// </summary>
    private static async Task SaveSetBasedAsync(MediaDbContext db, List<object> changed, CancellationToken ct)
    {
        var imports = changed.OfType<ImportAttempt>().ToList();
        var moved = imports.Select(i => i.MediaFileId).ToHashSet();
        var files = changed.OfType<MediaFile>().Where(f => moved.Contains(f.Id)).ToList();
        // The entries are inserted here, not by SaveChanges.
        foreach (var import in imports) db.Entry(import).State = EntityState.Detached;
        // The retrying execution strategy runs the transaction as one unit: again as a whole after a transient failure.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await WriteAsync(db, files, imports, ct);
            await transaction.CommitAsync(ct);
        });
    }

    private static async Task WriteAsync(MediaDbContext db, List<MediaFile> files, List<ImportAttempt> imports, CancellationToken ct)
    {
        if (files.Count > 0)
        {
            var ids = files.Select(f => f.Id.Value).ToArray();
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE media_file f SET library_id = v.library_id, path = v.path, path_hash = v.path_hash
                FROM unnest(@ids, @libraries, @paths, @hashes) AS v(id, library_id, path, path_hash) WHERE f.id = v.id
                """,
                [
                    new Npgsql.NpgsqlParameter("ids", ids), new Npgsql.NpgsqlParameter("libraries", files.Select(f => f.LibraryId.Value).ToArray()),
                    new Npgsql.NpgsqlParameter("paths", files.Select(f => f.Path).ToArray()), new Npgsql.NpgsqlParameter("hashes", files.Select(f => f.PathHash).ToArray()),
                ], ct);
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE media_file_state s SET file_exists = v.file_exists, file_size = v.file_size, last_verified_at = v.last_verified_at,
                    device = v.device, inode = v.inode, modified_at = v.modified_at
                FROM unnest(@ids, @exists, @sizes, @verified, @devices, @inodes, @modified)
                    AS v(id, file_exists, file_size, last_verified_at, device, inode, modified_at)
                WHERE s.media_file_id = v.id
                """,
                [
                    new Npgsql.NpgsqlParameter("ids", ids), new Npgsql.NpgsqlParameter("exists", files.Select(f => f.State.Exists).ToArray()),
                    new Npgsql.NpgsqlParameter("sizes", files.Select(f => f.State.Size).ToArray()),
                    new Npgsql.NpgsqlParameter("verified", files.Select(f => f.State.LastVerifiedAt.ToUniversalTime()).ToArray()),
                    new Npgsql.NpgsqlParameter("devices", files.Select(f => f.State.Device).ToArray()),
                    new Npgsql.NpgsqlParameter("inodes", files.Select(f => f.State.Inode).ToArray()),
                    new Npgsql.NpgsqlParameter("modified", files.Select(f => f.State.ModifiedAt?.ToUniversalTime()).ToArray()),
                ], ct);
        }
        await InsertHistoryAsync(db, imports, ct);
    }

    /// <summary>The move entries in one INSERT (arrays unnested); enums stored as the model stores them.</summary>
    private static async Task InsertHistoryAsync(MediaDbContext db, List<ImportAttempt> imports, CancellationToken ct)
    {
        if (imports.Count == 0) return;
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO media_file_import (id, media_file_id, download_job_id, method, source_path, destination_path, succeeded, error_code, error, attempted_at, recognised_by)
            SELECT * FROM unnest(@ids, @files, @jobs, @methods, @sources, @destinations, @succeeded, @codes, @errors, @at, @recognised)
            """,
            [
                new Npgsql.NpgsqlParameter("ids", imports.Select(i => i.Id.Value).ToArray()),
                new Npgsql.NpgsqlParameter("files", imports.Select(i => i.MediaFileId?.Value).ToArray()),
                new Npgsql.NpgsqlParameter("jobs", imports.Select(i => i.DownloadJobId?.Value).ToArray()),
                new Npgsql.NpgsqlParameter("methods", imports.Select(i => (string)db.Stored<ImportAttempt>(nameof(ImportAttempt.Method), i.Method)!).ToArray()),
                new Npgsql.NpgsqlParameter("sources", imports.Select(i => i.SourcePath).ToArray()),
                new Npgsql.NpgsqlParameter("destinations", imports.Select(i => i.DestinationPath).ToArray()),
                new Npgsql.NpgsqlParameter("succeeded", imports.Select(i => i.Succeeded).ToArray()),
                new Npgsql.NpgsqlParameter("codes", imports.Select(i => i.ErrorCode).ToArray()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                new Npgsql.NpgsqlParameter("errors", imports.Select(i => i.Error).ToArray()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                new Npgsql.NpgsqlParameter("at", imports.Select(i => i.AttemptedAt.ToUniversalTime()).ToArray()),
                new Npgsql.NpgsqlParameter("recognised", imports.Select(i => (string?)db.Stored<ImportAttempt>(nameof(ImportAttempt.RecognisedBy), i.RecognisedBy)).ToArray())
                    { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
            ], ct);
    }

    private static async Task<List<object>> ApplyAsync(
        MediaDbContext db, IReadOnlyList<FileMove> moves, DateTimeOffset at, List<ScanProblem> problems, bool tracked, CancellationToken ct)
    {
        var ids = moves.Select(m => m.File).ToList();
        var query = tracked ? db.Set<MediaFile>() : db.Set<MediaFile>().AsNoTracking();
        var files = await query.Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
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
            Detach(db, entities);
        }
    }

    private static void Detach(MediaDbContext db, IEnumerable<object> entities)
    {
        foreach (var entity in entities) db.Entry(entity).State = EntityState.Detached;
    }
}
