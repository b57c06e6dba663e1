using System.Runtime.CompilerServices;
using Media.Application.Scanning;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Scans;
using Media.Domain.Unmatched;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Infrastructure.Persistence.Repositories;

internal sealed class ScanRepository(MediaDbContext db) : EfRepository<Scan, ScanId>(db), IScanRepository;

/// <summary>The scan's bulk reads and writes on the scope's DbContext: streamed, chunked, and let go after saving.</summary>
internal sealed class ScanStore(MediaDbContext db, IServiceScopeFactory scopes) : IScanStore
{
    private const int Chunk = 1000;
    private readonly List<Pending> _added = [];

    public async IAsyncEnumerable<KnownFile> KnownFilesAsync(LibraryId library, string? folder, [EnumeratorCancellation] CancellationToken ct)
    {
        var prefix = folder is null ? null : folder + "/";
        if (Copying)
        {
            await foreach (var known in KnownFilesOnPostgresAsync(library, prefix, ct)) yield return known;
            yield break;
        }
        var files = db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library);
        if (prefix is not null) files = files.Where(f => f.Path.StartsWith(prefix));
        await foreach (var file in files.Select(f => new KnownFile(
            f.Id, f.Path, f.State.Size, f.State.Exists, f.State.Device, f.State.Inode, f.State.ModifiedAt, f.State.IdentityStored)
            { LastVerifiedAt = f.State.LastVerifiedAt }).AsAsyncEnumerable().WithCancellation(ct))
            yield return file;
    }

    /// <summary>
    /// PostgreSQL: the rows as they come. With retries on (EnableRetryOnFailure), EF reads a whole query's result into
    /// column arrays before the first row (it decides so when it compiles the query): at 100,000 files the largest
    /// allocations of a re-scan, all on the large-object heap.
    /// </summary>
    private IAsyncEnumerable<KnownFile> KnownFilesOnPostgresAsync(LibraryId library, string? prefix, CancellationToken ct)
    {
        var sql = "SELECT f.id, f.path, s.file_size, s.file_exists, s.device, s.inode, s.modified_at, s.identity_stored, s.last_verified_at " +
                  "FROM media_file f JOIN media_file_state s ON s.media_file_id = f.id WHERE f.library_id = @library" +
                  (prefix is null ? "" : " AND starts_with(f.path, @prefix)");
        List<Npgsql.NpgsqlParameter> parameters = [new("library", library.Value)];
        if (prefix is not null) parameters.Add(new("prefix", prefix));
        return StoredValues.RowsAsync(db, sql, parameters, r => new KnownFile(new MediaFileId(r.GetGuid(0)), r.GetString(1), r.GetInt64(2), r.GetBoolean(3),
            r.IsDBNull(4) ? null : r.GetInt64(4), r.IsDBNull(5) ? null : r.GetInt64(5),
            r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetBoolean(7))
        { LastVerifiedAt = r.GetFieldValue<DateTimeOffset>(8) }, ct);
    }

    public Task<List<UnmatchedFile>> UnresolvedAsync(LibraryId library, string? folder, CancellationToken ct)
    {
        var prefix = folder is null ? null : folder + "/";
        var queue = db.Set<UnmatchedFile>().Where(u => u.LibraryId == library && u.Status != UnmatchedStatus.Matched);
        if (prefix is not null) queue = queue.Where(u => u.Path.StartsWith(prefix));
        return queue.ToListAsync(ct);
    }

    /// <summary>On a unit of work of its own: the titles may be read beside the scan's walk.</summary>
    public async IAsyncEnumerable<KnownItem> ItemsAsync(MediaType type, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        // PostgreSQL: by hand, as the known files (EF would read all 40,000 titles into its buffer first).
        var items = reader.Database.IsNpgsql()
            ? StoredValues.RowsAsync(reader, "SELECT id, tmdb_id, title, original_title, year FROM media_item WHERE type = @type",
                [new Npgsql.NpgsqlParameter("type", reader.Stored<MediaItem>(nameof(MediaItem.Type), type))],
                r => new KnownItem(new MediaItemId(r.GetGuid(0)), type, r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                    r.IsDBNull(4) ? null : r.GetInt32(4)), ct)
            : reader.Set<MediaItem>().AsNoTracking().Where(m => m.Type == type)
                .Select(m => new KnownItem(m.Id, m.Type, m.TmdbId, m.Title, m.OriginalTitle, m.Year))
                .AsAsyncEnumerable();
        await foreach (var item in items.WithCancellation(ct)) yield return item;
    }

    public Task<MediaItem?> LoadItemAsync(MediaItemId id, CancellationToken ct)
    {
        if (_pendingItems.TryGetValue(id, out var pending) || _writingItems.TryGetValue(id, out pending)) return Task.FromResult<MediaItem?>(pending);
        if (_kept.TryGetValue(id, out var kept)) id = kept;
        return db.Set<MediaItem>().AsNoTracking().Include(m => m.Seasons).ThenInclude(s => s.Episodes).AsSplitQuery().FirstOrDefaultAsync(m => m.Id == id, ct);
    }

    public void AddItem(MediaItem movie)
    {
        if (movie.Seasons.Count > 0) throw new ArgumentException("Only items without seasons wait for the batch.", nameof(movie));
        _pendingItems[movie.Id] = movie;
    }

    // New movies wait for the batch (one statement for all); a movie another writer stored first is kept under its id.
    private readonly Dictionary<MediaItemId, MediaItem> _pendingItems = [];
    private readonly Dictionary<MediaItemId, MediaItemId> _kept = [];
    private readonly Dictionary<(MediaItemId, int), (MediaItemId Item, Season Season)> _pendingSeasons = [];
    private readonly Dictionary<EpisodeId, EpisodeId> _keptEpisodes = [];

    public async Task<MediaItem> EnsureItemAsync(MediaItem candidate, CancellationToken ct) =>
        (await MediaItemUpsert.EnsureAsync(db, candidate, ct)).Item;

    public async Task<MediaItem> EnsureSeasonAsync(MediaItem series, int season, CancellationToken ct)
    {
        var rows = series.Seasons.Single(s => s.Number == season);
        if (Copying)
        {
            // On PostgreSQL a season waits for the batch, like a movie: the batch's seasons are stored together before
            // its files; a file of a season another writer stored first takes its episodes' stored ids then.
            _pendingSeasons[(series.Id, season)] = (series.Id, rows);
            return series;
        }
        if (await MediaItemUpsert.EnsureSeasonAsync(db, series.Id, rows, ct)) return series;
        // Some rows were another writer's: the whole find-or-create, and the series as stored.
        var candidate = MediaItem.Create(series.Type, series.TmdbId, series.Title, series.OriginalTitle, series.Year, series.CreatedAt);
        var copy = candidate.EnsureSeason(rows.Number, rows.Name);
        foreach (var episode in rows.Episodes) copy.EnsureEpisode(episode.Number, episode.Title, episode.AirDate);
        return await EnsureItemAsync(candidate, ct);
    }

    public async Task TouchAsync(IReadOnlyCollection<MediaFileId> files, DateTimeOffset at, CancellationToken ct)
    {
        if (files.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var own = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        if (own.Database.IsNpgsql())
        {
            // One array parameter: the same statement for every chunk (EF would send one parameter a file).
            await own.Database.ExecuteSqlRawAsync(
                "UPDATE media_file_state SET last_verified_at = @at WHERE media_file_id = ANY(@files) AND file_exists",
                [new Npgsql.NpgsqlParameter("at", at.ToUniversalTime()), new Npgsql.NpgsqlParameter("files", files.Select(f => f.Value).ToArray())], ct);
            return;
        }
        foreach (var chunk in files.Chunk(Chunk))
            await own.Set<MediaFile>().Where(f => chunk.Contains(f.Id) && f.State.Exists)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.State.LastVerifiedAt, at), ct);
    }

    public async Task VerifyAsync(IReadOnlyCollection<(MediaFileId Id, long Size)> files, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var chunk in files.Chunk(Chunk))
        {
            var sizes = chunk.ToDictionary(c => c.Id, c => c.Size);
            var ids = sizes.Keys.ToList();
            var entities = await db.Set<MediaFile>().Where(f => ids.Contains(f.Id)).ToListAsync(ct);
            foreach (var file in entities) file.Verified(sizes[file.Id], at);
            await db.SaveChangesAsync(ct);
            foreach (var file in entities) db.Entry(file).State = EntityState.Detached;
        }
    }

    public async Task MarkMissingAsync(IReadOnlyCollection<MediaFileId> files, DateTimeOffset at, CancellationToken ct)
    {
        // Npgsql's EF provider cannot set two properties of an owned type in one ExecuteUpdate: two statements.
        foreach (var chunk in files.Chunk(Chunk))
        {
            await db.Set<MediaFile>().Where(f => chunk.Contains(f.Id)).ExecuteUpdateAsync(s => s.SetProperty(f => f.State.LastVerifiedAt, at), ct);
            await db.Set<MediaFile>().Where(f => chunk.Contains(f.Id)).ExecuteUpdateAsync(s => s.SetProperty(f => f.State.Exists, false), ct);
        }
    }

    public void Add(MediaFile file, ImportAttempt import)
    {
        if (Copying) _copies.Add((file, import));
        else Track(file, import);
    }

    // On PostgreSQL new files and their import records go by binary COPY, untracked (EF's tracked inserts cost more
    // than everything else a new file costs); a batch the database refuses is saved again the tracked way.
    private readonly List<(MediaFile File, ImportAttempt Import)> _copies = [];
    private bool? _copying;
    private bool Copying => _copying ??= db.Database.IsNpgsql();

    private void Track(MediaFile file, ImportAttempt import) => _added.Add(AddFile(db, file, import, _kept));

    /// <summary>A new file and its import entry added, the file naming its title as stored (another writer's, when it stored it first).</summary>
    private static Pending AddFile(MediaDbContext db, MediaFile file, ImportAttempt import, IReadOnlyDictionary<MediaItemId, MediaItemId> kept)
    {
        db.Add(file);
        if (kept.TryGetValue(file.MediaItemId, out var stored)) db.Entry(file).Property(f => f.MediaItemId).CurrentValue = stored;
        db.Add(import);
        return new Pending(file.Path, [file, import]);
    }

    /// <summary>
    /// One row the database refuses fails a whole batch: the batch's rows (not tracked) saved again file by file, the
    /// ones refused reported in <paramref name="problems"/>.
    /// </summary>
    private static async Task SaveOneByOneAsync(MediaDbContext db, IEnumerable<Pending> files, List<ScanProblem> problems, CancellationToken ct)
    {
        foreach (var pending in files)
        {
            foreach (var entity in pending.Entities) db.Add(entity);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e)
            {
                problems.Add(new ScanProblem(pending.Path, "unstorable", $"The database refused this file: {(e.InnerException ?? e).Message}"));
            }
            foreach (var entity in pending.Entities) db.Entry(entity).State = EntityState.Detached;
        }
    }

    public void Add(UnmatchedFile file)
    {
        db.Add(file);
        _added.Add(new Pending(file.Path, [file]));
    }

    public void Remove(UnmatchedFile file) => db.Remove(file);

    public async Task<IReadOnlyList<ScanProblem>> FlushAsync(CancellationToken ct)
    {
        var problems = await WrittenAsync();
        if (_pendingItems.Count > 0)
        {
            var kept = await MediaItemUpsert.EnsureMoviesAsync(db, _pendingItems.Values, ct);
            _pendingItems.Clear();
            foreach (var (lost, stored) in kept)
            {
                _kept[lost] = stored;
                foreach (var entry in db.ChangeTracker.Entries<MediaFile>().Where(e => e.State == EntityState.Added && e.Entity.MediaItemId == lost))
                    entry.Property(f => f.MediaItemId).CurrentValue = stored;
            }
        }
        if (_pendingSeasons.Count > 0)
        {
            foreach (var (ours, stored) in await MediaItemUpsert.EnsureSeasonsAsync(db, Rows(_pendingSeasons.Values), ct)) _keptEpisodes[ours] = stored;
            _pendingSeasons.Clear();
        }
        if (_keptEpisodes.Count > 0) foreach (var (file, _) in _copies) file.Relink(_keptEpisodes);
        var copied = _copies.Count > 0 && await CopyAsync(db, _copies, _kept, ct);
        if (copied) await CopiedAsync(db, _copies.Count, ct);
        else foreach (var (file, import) in _copies) Track(file, import);
        _copies.Clear();
        await SaveTrackedAsync(saved: copied, problems, ct);
        return problems;
    }

    /// <summary>
    /// The unit of work's own changes (what <see cref="FlushAsync"/> did not save with the new files); an entity the
    /// database refuses costs its file only, reported in <paramref name="problems"/>.
    /// </summary>
    private async Task SaveTrackedAsync(bool saved, List<ScanProblem> problems, CancellationToken ct)
    {
        try
        {
            if (!saved) await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (_added.Count > 0)
        {
            foreach (var pending in _added) foreach (var entity in pending.Entities) db.Entry(entity).State = EntityState.Detached;
            await db.SaveChangesAsync(ct); // what else was pending (removed queue entries)
            await SaveOneByOneAsync(db, _added, problems, ct);
        }
        foreach (var pending in _added)
            foreach (var entity in pending.Entities) db.Entry(entity).State = EntityState.Detached;
        _added.Clear();
    }

    // PostgreSQL: a batch of new files is written beside the scan, in a unit of work of its own, while the scan decides
    // the next one; one batch at a time, in order. What it needs of the scan is copied when it is handed over.
    private Task<Written>? _writing;
    private readonly Dictionary<MediaItemId, MediaItem> _writingItems = [];

    /// <summary>What a batch written beside found: titles and episodes another writer stored first, files refused.</summary>
    private sealed record Written(Dictionary<MediaItemId, MediaItemId> Kept, Dictionary<EpisodeId, EpisodeId> KeptEpisodes, List<ScanProblem> Problems);

    public async Task<IReadOnlyList<ScanProblem>> FlushBehindAsync(CancellationToken ct)
    {
        // A queue entry matched to a new file is saved after its file: such a batch is flushed the plain way.
        if (!Copying || db.ChangeTracker.Entries<UnmatchedFile>().Any(e => e.State == EntityState.Modified && e.Entity.MediaFileId is not null))
            return await FlushAsync(ct);
        var problems = await WrittenAsync();
        // The unit of work's own changes (queue entries found, gone, seen again) name no file of the batch.
        await SaveTrackedAsync(saved: false, problems, ct);
        if (_pendingItems.Count == 0 && _pendingSeasons.Count == 0 && _copies.Count == 0) return problems;
        var items = _pendingItems.Values.ToList();
        foreach (var (id, item) in _pendingItems) _writingItems[id] = item;
        _pendingItems.Clear();
        var seasons = Rows(_pendingSeasons.Values);
        _pendingSeasons.Clear();
        var copies = _copies.ToList();
        _copies.Clear();
        var kept = new Dictionary<MediaItemId, MediaItemId>(_kept);
        var keptEpisodes = new Dictionary<EpisodeId, EpisodeId>(_keptEpisodes);
        _writing = Task.Run(() => WriteBesideAsync(items, seasons, copies, kept, keptEpisodes, ct), ct);
        return problems;
    }

    /// <summary>The seasons with their episodes as they are now: the scan may add episodes while a batch is written beside it.</summary>
    private static List<(MediaItemId Item, Season Season, IReadOnlyList<Episode> Episodes)> Rows(IEnumerable<(MediaItemId Item, Season Season)> seasons) =>
        [.. seasons.Select(s => (s.Item, s.Season, (IReadOnlyList<Episode>)[.. s.Season.Episodes]))];

    /// <summary>Waits for the batch written beside, if any, and takes in what it found (its failure is the caller's).</summary>
    private async Task<List<ScanProblem>> WrittenAsync()
    {
        if (_writing is not { } writing) return [];
        _writing = null;
        var written = await writing;
        _writingItems.Clear();
        foreach (var (lost, stored) in written.Kept) _kept[lost] = stored;
        foreach (var (ours, stored) in written.KeptEpisodes) _keptEpisodes[ours] = stored;
        return written.Problems;
    }

    private async Task<Written> WriteBesideAsync(
        List<MediaItem> items, List<(MediaItemId Item, Season Season, IReadOnlyList<Episode> Episodes)> seasons, List<(MediaFile File, ImportAttempt Import)> copies,
        Dictionary<MediaItemId, MediaItemId> kept, Dictionary<EpisodeId, EpisodeId> keptEpisodes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var written = new Written([], [], []);
        if (items.Count > 0)
            foreach (var (lost, stored) in await MediaItemUpsert.EnsureMoviesAsync(writer, items, ct)) kept[lost] = written.Kept[lost] = stored;
        if (seasons.Count > 0)
            foreach (var (ours, stored) in await MediaItemUpsert.EnsureSeasonsAsync(writer, seasons, ct)) keptEpisodes[ours] = written.KeptEpisodes[ours] = stored;
        if (keptEpisodes.Count > 0) foreach (var (file, _) in copies) file.Relink(keptEpisodes);
        if (copies.Count == 0) return written;
        if (await CopyAsync(writer, copies, kept, ct))
        {
            await CopiedAsync(writer, copies.Count, ct);
            return written;
        }
        // The database refused a row of the batch: each file's title named as stored, then file by file.
        var files = copies.Select(c => AddFile(writer, c.File, c.Import, kept)).ToList();
        writer.ChangeTracker.Clear();
        await SaveOneByOneAsync(writer, files, written.Problems, ct);
        return written;
    }

    /// <summary>
    /// The batch's new files by COPY and the rest of the unit of work (queue entries) by SaveChanges, in one
    /// transaction; false, with nothing written, when the database refused any of it.
    /// </summary>
    private static async Task<bool> CopyAsync(
        MediaDbContext db, List<(MediaFile File, ImportAttempt Import)> copies, IReadOnlyDictionary<MediaItemId, MediaItemId> kept, CancellationToken ct)
    {
        var files = copies.Select(c => c.File).ToList();
        var imports = copies.Select(c => c.Import).ToList();
        var itemId = db.Model.FindEntityType(typeof(MediaFile))!.FindProperty(nameof(MediaFile.MediaItemId));
        object? Kept(Microsoft.EntityFrameworkCore.Metadata.IProperty property, object? value) =>
            property == itemId && value is MediaItemId id && kept.TryGetValue(id, out var stored) ? stored : value;
        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                await PostgresCopy.For(db, typeof(MediaFile)).WriteAsync(db, files, Kept, token);
                await PostgresCopy.For(db, typeof(ImportAttempt)).WriteAsync(db, imports, null, token);
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, token);
                await transaction.CommitAsync(token);
            }, ct);
        }
        catch (Exception e) when (e is DbUpdateException or Npgsql.PostgresException)
        {
            return false;
        }
        db.ChangeTracker.AcceptAllChanges();
        return true;
    }

    private int _copied;
    private const int AnalyseAt = 2_048;

    /// <summary>
    /// The planner's statistics brought up to date once a scan has added 2,048 files: the columns its lookups go by
    /// (a file's inode, a title's TMDB id), which stay nearly unique however many more rows follow. A first scan adds
    /// files faster than autovacuum analyses them (a minute apart at best), and a planner that believes the tables
    /// nearly empty reads them whole for lookups an index serves: the inodes of 256 new files took 7.7 ms to look up
    /// instead of 0.3 ms at 100,000 files, on the scan's path. (All of three tables, at each doubling: 0.27 s each.)
    /// </summary>
    private async Task CopiedAsync(MediaDbContext writer, int count, CancellationToken ct)
    {
        _copied += count;
        if (_copied < AnalyseAt || _copied - count >= AnalyseAt) return; // once: when the count passes the mark
        await writer.Database.ExecuteSqlRawAsync("ANALYZE media_file_state (media_file_id, inode), media_item (type, tmdb_id)", ct);
    }

    /// <summary>What one file added: its media file and import record, or its queue entry.</summary>
    private sealed record Pending(string Path, object[] Entities);
}

/// <summary>
/// The scan ledger on a DbContext of its own per call (so it never shares, or waits on, the scan's unit of work):
/// conditional updates of the scan row.
/// </summary>
internal sealed class ScanLedger(IServiceScopeFactory scopes) : IScanLedger
{
    public async Task<bool> ClaimAsync(ScanId id, DateTimeOffset claimedAt, string runBy, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        return await db.Set<Scan>().Where(s => s.Id == id && s.Status == ScanStatus.Queued).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, ScanStatus.Running).SetProperty(s => s.StartedAt, claimedAt).SetProperty(s => s.HeartbeatAt, claimedAt)
            .SetProperty(s => s.RunBy, runBy), ct) == 1;
    }

    public async Task<bool> BeatAsync(ScanId id, DateTimeOffset claimedAt, DateTimeOffset at, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        DateTimeOffset? claim = claimedAt;
        return await db.Set<Scan>().Where(s => s.Id == id && s.Status == ScanStatus.Running && s.StartedAt == claim)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.HeartbeatAt, at), ct) == 1;
    }

    public async Task FailAsync(ScanId id, string error, DateTimeOffset at, CancellationToken ct)
    {
        var text = error.Length <= Scan.MaxErrorLength ? error : error[..Scan.MaxErrorLength];
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        await db.Set<Scan>().Where(s => s.Id == id && (s.Status == ScanStatus.Queued || s.Status == ScanStatus.Running))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, ScanStatus.Failed).SetProperty(s => s.Error, text)
                .SetProperty(s => s.FinishedAt, at).SetProperty(s => s.HeartbeatAt, at).SetProperty(s => s.CurrentFolder, (string?)null), ct);
    }

    public async Task<IReadOnlyList<ScanId>> QueuedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        return await db.Set<Scan>().AsNoTracking().Where(s => s.Status == ScanStatus.Queued).OrderBy(s => s.QueuedAt).Select(s => s.Id).Take(100).ToListAsync(ct);
    }

    public async Task<int> RequeueExpiredAsync(DateTimeOffset expiredBefore, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        return await db.Set<Scan>().Where(s => s.Status == ScanStatus.Running && s.HeartbeatAt < expiredBefore)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, ScanStatus.Queued), ct);
    }
}
