using System.Runtime.CompilerServices;
using Media.Application.Scanning;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Scans;
using Media.Domain.Unmatched;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence.Repositories;

internal sealed class ScanRepository(MediaDbContext db) : EfRepository<Scan, ScanId>(db), IScanRepository;

/// <summary>The scan's bulk reads and writes on the scope's DbContext: streamed, chunked, and let go after saving.</summary>
internal sealed class ScanStore(MediaDbContext db) : IScanStore
{
    private const int Chunk = 1000;
    private readonly List<object> _added = [];

    public async IAsyncEnumerable<KnownFile> KnownFilesAsync(LibraryId library, string? folder, [EnumeratorCancellation] CancellationToken ct)
    {
        var prefix = folder is null ? null : folder + "/";
        var files = db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library);
        if (prefix is not null) files = files.Where(f => f.Path.StartsWith(prefix));
        await foreach (var file in files.Select(f => new KnownFile(f.Id, f.Path, f.State.Size, f.State.Exists)).AsAsyncEnumerable().WithCancellation(ct))
            yield return file;
    }

    public Task<List<UnmatchedFile>> UnresolvedAsync(LibraryId library, string? folder, CancellationToken ct)
    {
        var prefix = folder is null ? null : folder + "/";
        var queue = db.Set<UnmatchedFile>().Where(u => u.LibraryId == library && u.Status != UnmatchedStatus.Matched);
        if (prefix is not null) queue = queue.Where(u => u.Path.StartsWith(prefix));
        return queue.ToListAsync(ct);
    }

    public Task<List<KnownItem>> ItemsAsync(MediaType type, CancellationToken ct) =>
        db.Set<MediaItem>().AsNoTracking().Where(m => m.Type == type)
            .Select(m => new KnownItem(m.Id, m.Type, m.TmdbId, m.Title, m.OriginalTitle, m.Year))
            .ToListAsync(ct);

    public Task<MediaItem?> LoadItemAsync(MediaItemId id, CancellationToken ct) =>
        db.Set<MediaItem>().Include(m => m.Seasons).ThenInclude(s => s.Episodes).AsSplitQuery().FirstOrDefaultAsync(m => m.Id == id, ct);

    public void AddItem(MediaItem item) => db.Add(item);

    public async Task TouchAllAsync(LibraryId library, string? folder, IReadOnlyCollection<string> unread, DateTimeOffset at, CancellationToken ct)
    {
        var files = db.Set<MediaFile>().Where(f => f.LibraryId == library && f.State.Exists);
        if (folder is not null)
        {
            var prefix = folder + "/";
            files = files.Where(f => f.Path.StartsWith(prefix));
        }
        foreach (var skipped in unread)
        {
            var prefix = skipped.Length == 0 ? "" : skipped + "/";
            files = files.Where(f => !f.Path.StartsWith(prefix));
        }
        await files.ExecuteUpdateAsync(s => s.SetProperty(f => f.State.LastVerifiedAt, at), ct);
    }

    private readonly List<MediaItem> _release = [];

    public void Release(MediaItem item) => _release.Add(item);

    public async Task VerifyAsync(IReadOnlyCollection<(MediaFileId Id, long Size)> files, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var chunk in files.Chunk(Chunk))
        {
            var sizes = chunk.ToDictionary(c => c.Id, c => c.Size);
            var ids = sizes.Keys.ToList();
            var entities = await db.Set<MediaFile>().Where(f => ids.Contains(f.Id)).ToListAsync(ct);
            foreach (var file in entities) file.Verified(sizes[file.Id], at);
            _replaced.AddRange(await SaveAsync(ct));
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
        db.Add(file);
        db.Add(import);
        _added.Add(file);
        _added.Add(import);
    }

    public void Add(UnmatchedFile file)
    {
        db.Add(file);
        _added.Add(file);
    }

    public void Remove(UnmatchedFile file) => db.Remove(file);

    public async Task<IReadOnlyDictionary<MediaItemId, MediaItem>> FlushAsync(CancellationToken ct)
    {
        var replaced = _replaced.Concat(await SaveAsync(ct)).ToDictionary(r => r.Key, r => r.Value);
        _replaced.Clear();
        foreach (var entity in _added) db.Entry(entity).State = EntityState.Detached;
        _added.Clear();
        // Movies are never changed by a scan once saved: letting them go keeps change detection cheap as the scan goes on.
        foreach (var movie in db.ChangeTracker.Entries<MediaItem>().Where(e => e.State == EntityState.Unchanged && e.Entity.Type == MediaType.Movie).ToList())
            movie.State = EntityState.Detached;
        foreach (var item in _release)
        {
            foreach (var season in item.Seasons.ToList())
            {
                foreach (var episode in season.Episodes.ToList()) db.Entry(episode).State = EntityState.Detached;
                db.Entry(season).State = EntityState.Detached;
            }
            db.Entry(item).State = EntityState.Detached;
        }
        _release.Clear();
        return replaced;
    }

    private readonly List<KeyValuePair<MediaItemId, MediaItem>> _replaced = [];

    private async Task<List<KeyValuePair<MediaItemId, MediaItem>>> SaveAsync(CancellationToken ct)
    {
        var replaced = new List<KeyValuePair<MediaItemId, MediaItem>>();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return replaced;
            }
            catch (DbUpdateException e) when (attempt < 3 && DbErrors.ToError(e, db)?.Code == "media_item.duplicate")
            {
                replaced.AddRange(await MergeDuplicatesAsync(ct));
            }
        }
    }

    /// <summary>
    /// New items that someone else inserted first: their seasons and episodes are merged into the existing item,
    /// the new files are moved onto it, and the duplicates are let go.
    /// </summary>
    private async Task<List<KeyValuePair<MediaItemId, MediaItem>>> MergeDuplicatesAsync(CancellationToken ct)
    {
        var merged = new List<KeyValuePair<MediaItemId, MediaItem>>();
        var added = db.ChangeTracker.Entries<MediaItem>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        foreach (var item in added)
        {
            var existing = await db.Set<MediaItem>().Include(m => m.Seasons).ThenInclude(s => s.Episodes).AsSplitQuery()
                .FirstOrDefaultAsync(m => m.Type == item.Type && m.TmdbId == item.TmdbId, ct);
            if (existing is null) continue;

            var episodes = new Dictionary<EpisodeId, EpisodeId>();
            foreach (var season in item.Seasons)
            {
                var target = existing.EnsureSeason(season.Number, season.Name);
                foreach (var episode in season.Episodes) episodes[episode.Id] = target.EnsureEpisode(episode.Number, episode.Title, episode.AirDate).Id;
            }
            foreach (var file in db.ChangeTracker.Entries<MediaFile>().Where(f => f.State == EntityState.Added && f.Entity.MediaItemId == item.Id).ToList())
            {
                file.Property(f => f.MediaItemId).CurrentValue = existing.Id;
                if (file.Entity.EpisodeId is { } episode) file.Property(f => f.EpisodeId).CurrentValue = episodes[episode];
            }
            foreach (var season in item.Seasons.ToList())
            {
                foreach (var episode in season.Episodes.ToList()) db.Entry(episode).State = EntityState.Detached;
                db.Entry(season).State = EntityState.Detached;
            }
            db.Entry(item).State = EntityState.Detached;
            merged.Add(new(item.Id, existing));
        }
        return merged;
    }
}
