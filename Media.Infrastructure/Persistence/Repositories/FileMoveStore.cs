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
        var postgres = db.Database.IsNpgsql();
        foreach (var chunk in inodes.Chunk(Chunk))
        {
            if (!postgres) found.AddRange(await AtInodes(db.Set<MediaFile>().AsNoTracking(), chunk).ToListAsync(ct));
            else await foreach (var candidate in StoredValues.RowsAsync(db, InodeLookupSql, [new("inodes", chunk)], Candidate, ct)) found.Add(candidate);
        }
        return found.DistinctBy(c => c.Id).ToList();
    }

    /// <summary>
    /// PostgreSQL: each inode looked up on its own, through the inode index. The fence (OFFSET 0) keeps the planner from
    /// flattening the lookup into one join of the wanted inodes with both tables; during a first scan, before the
    /// statistics know how many files there are, it chose to read both tables whole for that join, once a batch.
    /// </summary>
    internal const string InodeLookupSql =
        """
        SELECT c.id, c.library_id, c.path, c.file_size, c.file_exists, c.device, c.inode, c.modified_at, c.identity_stored
        FROM unnest(@inodes) AS wanted(inode)
        CROSS JOIN LATERAL (
            SELECT f.id, f.library_id, f.path, s.file_size, s.file_exists, s.device, s.inode, s.modified_at, s.identity_stored
            FROM media_file_state s JOIN media_file f ON f.id = s.media_file_id
            WHERE s.inode = wanted.inode
            OFFSET 0) c
        """;

    private static MoveCandidate Candidate(System.Data.Common.DbDataReader r) => new(
        new MediaFileId(r.GetGuid(0)), new LibraryId(r.GetGuid(1)), r.GetString(2), r.GetInt64(3), r.GetBoolean(4),
        r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetBoolean(8));

    /// <summary>The statement that looks up files by inode on this provider (tests read its plan).</summary>
    internal static System.Data.Common.DbCommand InodeLookup(MediaDbContext db, long[] inodes)
    {
        if (!db.Database.IsNpgsql()) return AtInodes(db.Set<MediaFile>().AsNoTracking(), inodes).CreateDbCommand();
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = InodeLookupSql;
        command.Parameters.Add(new Npgsql.NpgsqlParameter("inodes", inodes));
        return command;
    }

    /// <summary>The files at these inodes (SQLite, whose planner goes by the index).</summary>
    private static IQueryable<MoveCandidate> AtInodes(IQueryable<MediaFile> files, long[] inodes)
    {
        var wanted = inodes.Select(i => (long?)i).ToList();
        return Project(files.Where(f => wanted.Contains(f.State.Inode)));
    }

    private static IQueryable<MoveCandidate> Project(IQueryable<MediaFile> files) => files.Select(f => new MoveCandidate(
        f.Id, f.LibraryId, f.Path, f.State.Size, f.State.Exists, f.State.Device, f.State.Inode, f.State.ModifiedAt, f.State.IdentityStored));

    public async Task<IReadOnlyList<ScanProblem>> MoveAsync(IReadOnlyList<FileMove> moves, DateTimeOffset at, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var own = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var problems = new List<ScanProblem>();
        var oneStatement = own.Database.IsNpgsql();
        foreach (var chunk in moves.Chunk(Chunk))
        {
            try
            {
                if (oneStatement) await MoveInOneStatementAsync(own, chunk, at, problems, ct);
                else await SaveTrackedAsync(own, chunk, at, problems, ct);
                continue;
            }
            catch (Exception failure) when (failure is DbUpdateException or Npgsql.PostgresException)
            {
                // One move the database refuses (a path taken meanwhile) fails the chunk: each is made again on its own,
                // and the ones that fail reported.
                problems.RemoveAll(p => chunk.Any(m => m.ToPath == p.Path));
            }
            foreach (var move in chunk)
            {
                try
                {
                    await SaveTrackedAsync(own, [move], at, problems, ct);
                }
                catch (DbUpdateException e)
                {
                    problems.Add(new ScanProblem(move.ToPath, "move_not_recorded",
                        $"Recognised as '{move.From}' moved here, but the database refused the move: {(e.InnerException ?? e).Message}"));
                }
            }
        }
        return problems;
    }

    /// <summary>Moves made on the loaded files and saved; the unit of work let go of whatever happens.</summary>
    private static async Task SaveTrackedAsync(MediaDbContext db, IReadOnlyList<FileMove> moves, DateTimeOffset at, List<ScanProblem> problems, CancellationToken ct)
    {
        try
        {
            await ApplyAsync(db, moves, at, problems, ct);
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            // All of it, the files' states too (an owned entity stays tracked when its owner alone is detached): what a
            // refused move left pending must not be written with the next.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// PostgreSQL: a chunk of moves in one statement (arrays unnested, data-modifying CTEs): the files' paths, their
    /// states and their history entries, without reading the files first; at thousands of moves, a read and three
    /// statements a chunk cost a scan seconds. What a move asks of the aggregate is asked here: the path and the kind by
    /// <see cref="MediaFile.MoveTarget"/>, the file being of that kind by the statement (a file of episodes has an
    /// episode). A file not moved by it (forgotten meanwhile, or of the other kind) is a problem on that path.
    /// </summary>
    private static async Task MoveInOneStatementAsync(MediaDbContext db, FileMove[] chunk, DateTimeOffset at, List<ScanProblem> problems, CancellationToken ct)
    {
        var rows = new List<(FileMove Move, string Path, byte[] Key, bool OfEpisodes, ImportAttempt Entry)>(chunk.Length);
        foreach (var move in chunk)
        {
            var ofEpisodes = move.To.Kind == Domain.Libraries.LibraryKind.Series;
            var target = MediaFile.MoveTarget(move.To, move.ToPath, ofEpisodes);
            if (target.IsFailure) problems.Add(new ScanProblem(move.ToPath, "move_not_recorded", target.Error!.Message));
            else rows.Add((move, target.Value.Path, target.Value.PathHash, ofEpisodes, ImportAttempt.Moved(move.File, move.From, move.ToPath, move.How, at, move.Note)));
        }
        if (rows.Count == 0) return;
        var seen = FileState.Verified(0, at); // what a file seen again at its new path is: it exists, verified now
        var moved = new HashSet<Guid>();
        // The retrying execution strategy runs the statement again as a whole after a transient failure.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            moved.Clear();
            var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText =
                    """
                    WITH v AS (
                        SELECT * FROM unnest(@ids, @episodes, @libraries, @paths, @keys, @sizes, @devices, @inodes, @modified,
                            @entries, @sources, @destinations, @notes, @recognised)
                            AS v(id, of_episodes, library_id, path, path_hash, file_size, device, inode, modified_at,
                                entry_id, source_path, destination_path, note, recognised_by)
                    ), moved AS (
                        UPDATE media_file f SET library_id = v.library_id, path = v.path, path_hash = v.path_hash
                        FROM v WHERE f.id = v.id AND (f.episode_id IS NOT NULL) = v.of_episodes
                        RETURNING f.id
                    ), states AS (
                        UPDATE media_file_state s SET file_exists = @exists, file_size = v.file_size, last_verified_at = @at,
                            device = v.device, inode = v.inode, modified_at = v.modified_at
                        FROM v JOIN moved m ON m.id = v.id WHERE s.media_file_id = v.id
                    )
                    INSERT INTO media_file_import (id, media_file_id, download_job_id, method, source_path, destination_path, succeeded, error_code, error, attempted_at, recognised_by)
                    SELECT v.entry_id, v.id, NULL, @method, v.source_path, v.destination_path, TRUE, NULL, v.note, @at, v.recognised_by
                    FROM v JOIN moved m ON m.id = v.id
                    RETURNING media_file_id
                    """;
                var p = command.Parameters;
                p.Add(new Npgsql.NpgsqlParameter("ids", rows.Select(r => r.Move.File.Value).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("episodes", rows.Select(r => r.OfEpisodes).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("libraries", rows.Select(r => r.Move.To.Id.Value).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("paths", rows.Select(r => r.Path).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("keys", rows.Select(r => r.Key).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("sizes", rows.Select(r => r.Move.Probe.Size).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("devices", rows.Select(r => r.Move.Probe.Device).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("inodes", rows.Select(r => r.Move.Probe.Inode).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("modified", rows.Select(r => FileState.Microseconds(r.Move.Probe.ModifiedAt).ToUniversalTime()).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("entries", rows.Select(r => r.Entry.Id.Value).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("sources", rows.Select(r => r.Entry.SourcePath).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("destinations", rows.Select(r => r.Entry.DestinationPath).ToArray()));
                p.Add(new Npgsql.NpgsqlParameter("notes", rows.Select(r => r.Entry.Error).ToArray()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
                p.Add(new Npgsql.NpgsqlParameter("recognised", rows.Select(r => (string?)db.Stored<ImportAttempt>(nameof(ImportAttempt.RecognisedBy), r.Entry.RecognisedBy)).ToArray())
                    { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
                p.Add(new Npgsql.NpgsqlParameter("method", (string)db.Stored<ImportAttempt>(nameof(ImportAttempt.Method), ImportMethod.Move)!));
                p.Add(new Npgsql.NpgsqlParameter("exists", seen.Exists));
                p.Add(new Npgsql.NpgsqlParameter("at", seen.LastVerifiedAt.ToUniversalTime()));
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) moved.Add(reader.GetGuid(0));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
        foreach (var (move, _, _, _, _) in rows.Where(r => !moved.Contains(r.Move.File.Value)))
            problems.Add(new ScanProblem(move.ToPath, "move_not_recorded",
                $"Recognised as '{move.From}' moved here, but that media file was forgotten meanwhile (or is not of this library's kind)."));
    }

    private static async Task ApplyAsync(
        MediaDbContext db, IReadOnlyList<FileMove> moves, DateTimeOffset at, List<ScanProblem> problems, CancellationToken ct)
    {
        var ids = moves.Select(m => m.File).ToList();
        var files = await db.Set<MediaFile>().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
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
        }
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

    /// <summary>Lets go of entities, with what they own (a file's state is an entity of its own that detaching the file leaves tracked).</summary>
    private static void Detach(MediaDbContext db, IEnumerable<object> entities)
    {
        foreach (var entity in entities)
        {
            var entry = db.Entry(entity);
            foreach (var owned in entry.References.Select(r => r.TargetEntry).Where(t => t is not null && t.Metadata.IsOwned()).ToList())
                owned!.State = EntityState.Detached;
            entry.State = EntityState.Detached;
        }
    }
}
