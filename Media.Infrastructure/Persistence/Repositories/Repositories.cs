using Ardalis.Specification;
using Media.Application.Common;
using Media.Application.Imports;
using Media.Application.Libraries;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Application.Unmatched;
using Media.Application.Users;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;
using Media.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence.Repositories;

internal sealed class LibraryRepository(MediaDbContext db) : EfRepository<Library, LibraryId>(db), ILibraryRepository;

internal sealed class MediaItemRepository(MediaDbContext db, TitleSearchTexts texts) : EfRepository<MediaItem, MediaItemId>(db), IMediaItemRepository
{
    protected override IQueryable<MediaItem> Aggregate =>
        Db.Set<MediaItem>().Include(m => m.Seasons).ThenInclude(s => s.Episodes).AsSplitQuery();

    public Task<EnsuredItem> EnsureAsync(MediaItem candidate, CancellationToken ct) => MediaItemUpsert.EnsureAsync(Db, candidate, ct);

    /// <summary>A title search reads the lower-cased titles the database keeps (LIKE, the text's own % and _ escaped).</summary>
    protected override IQueryable<MediaItem> Source(ISpecification<MediaItem> spec, IQueryable<MediaItem> rows)
    {
        // (The kept column joins the two titles with a line break, which a search cannot hold: the API refuses control characters.)
        if (spec is not Application.MediaItems.MediaItemsPage { Search: { } text }) return rows;
        var pattern = SearchPattern(text);
        return rows.Where(m => EF.Functions.Like(EF.Property<string>(m, Configurations.MediaItemConfiguration.SearchTextProperty), pattern, "\\"));
    }

    /// <summary>The LIKE pattern (escaped by a backslash) of the titles whose search text holds the text.</summary>
    internal static string SearchPattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>
    /// A list of every title (or every title of a type) is counted by the totals the database keeps (migration 0024); a
    /// search, in the titles' search texts held in memory while they are those of the titles' current version
    /// (<see cref="TitleSearchTexts"/>), else by the database (and the texts are read again).
    /// </summary>
    public override async Task<int> CountAsync(ISpecification<MediaItem> spec, CancellationToken ct)
    {
        if (spec is not Application.MediaItems.MediaItemsPage page) return await base.CountAsync(spec, ct);
        var kept = Db.Set<Configurations.MediaItemCount>().AsNoTracking();
        if (page.Search is not { } search)
        {
            if (page.Type is { } type) kept = kept.Where(c => c.Type == type);
            return Kept(await kept.SumAsync(c => c.Count, ct));
        }
        // Not inside a transaction: its own uncommitted writes would count in the version it reads. And only for the
        // filters the texts know (the type).
        if (texts.Holds && Db.Database.CurrentTransaction is null && spec.WhereExpressions.Count() == (page.Type is null ? 0 : 1)
            && texts.Count(await kept.SumAsync(c => c.Version, ct), search, page.Type) is { } held) return held;
        texts.Refresh();
        return await base.CountAsync(spec, ct);
    }
}

internal sealed class MediaFileRepository(MediaDbContext db) : EfRepository<MediaFile, MediaFileId>(db), IMediaFileRepository
{
    public IAsyncEnumerable<Application.MediaFiles.FileLocation> LocationsAsync(LibraryId? library, bool exists, CancellationToken ct)
    {
        var files = Db.Set<MediaFile>().AsNoTracking();
        files = exists ? files.Where(f => f.State.Exists) : files.Where(f => !f.State.Exists);
        if (library is { } l) files = files.Where(f => f.LibraryId == l);
        return files.Select(f => new Application.MediaFiles.FileLocation(f.LibraryId, f.Path, f.State.LastVerifiedAt)).AsAsyncEnumerable();
    }

    /// <summary>
    /// A page's total without joining every file to its state: the files (an index-only count) and, when the list is
    /// of present or missing files, the missing ones (few; found through the state's index): present = all - missing.
    /// </summary>
    public override async Task<int> CountAsync(ISpecification<MediaFile> spec, CancellationToken ct)
    {
        if (spec is not Application.MediaFiles.MediaFilesPage page) return await base.CountAsync(spec, ct);
        var files = Db.Set<MediaFile>().AsNoTracking();
        if (page.Folder is { } folder) files = files.Where(f => f.Path.StartsWith(folder + "/"));
        if (page.Library is { } library) files = files.Where(f => f.LibraryId == library);
        if (page.Item is { } item) files = files.Where(f => f.MediaItemId == item);
        if (page.Exists is false) return await MissingAsync(page, files, ct);
        var all = await AllAsync(page, files, ct);
        return page.Exists is true ? all - await MissingAsync(page, files, ct) : all;
    }

    /// <summary>A library's files, or every file, by the totals the database keeps (migration 0024); a folder's or a title's, counted.</summary>
    private async Task<int> AllAsync(Application.MediaFiles.MediaFilesPage page, IQueryable<MediaFile> files, CancellationToken ct)
    {
        if (page is not { Folder: null, Item: null }) return await files.CountAsync(ct);
        var kept = Db.Set<Configurations.MediaFileCount>().AsNoTracking();
        if (page.Library is { } library) kept = kept.Where(c => c.LibraryId == library);
        return Kept(await kept.SumAsync(c => c.Count, ct));
    }

    private async Task<int> MissingAsync(Application.MediaFiles.MediaFilesPage page, IQueryable<MediaFile> files, CancellationToken ct) => page switch
    {
        { Folder: null, Library: null, Item: null } => await AllMissingAsync(ct),
        { Folder: null, Library: { } library, Item: null } => await Db.Database.SqlQueryRaw<int>(LibraryMissingSql, library.Value).SingleAsync(ct),
        _ => await files.CountAsync(f => !f.State.Exists, ct),
    };

    /// <summary>
    /// A library's missing files: the missing ones (the state's index of them), each file's library looked up by its key
    /// (2,000 lookups at 100,000 files of which 2% missing: 5 ms). Joined the other way, the database read every file to
    /// find the library's: 25-88 ms.
    /// </summary>
    internal const string LibraryMissingSql = """
        SELECT CAST(count(*) AS integer) AS "Value" FROM media_file_state s
        WHERE NOT s.file_exists AND (SELECT f.library_id FROM media_file f WHERE f.id = s.media_file_id) = {0}
        """;

    /// <summary>
    /// Every missing file, counted on the state's index alone (each file has one state row). Counted through the files,
    /// each missing one was looked up by its key: 7 ms a page at 100,000 files of which 2,000 missing.
    /// </summary>
    private Task<int> AllMissingAsync(CancellationToken ct) =>
        Db.Database.SqlQueryRaw<int>("SELECT CAST(count(*) AS integer) AS \"Value\" FROM media_file_state WHERE NOT file_exists").SingleAsync(ct);
}

internal sealed class ImportAttemptRepository(MediaDbContext db) : EfRepository<ImportAttempt, ImportAttemptId>(db), IImportAttemptRepository
{
    /// <summary>The whole history (or its successes or failures) is counted by the totals the database keeps (migration 0024).</summary>
    public override async Task<int> CountAsync(ISpecification<ImportAttempt> spec, CancellationToken ct)
    {
        if (spec is not Application.MediaFiles.ImportsPage { ByOutcomeAtMost: true } page) return await base.CountAsync(spec, ct);
        var kept = Db.Set<Configurations.ImportCount>().AsNoTracking();
        if (page.Succeeded is { } succeeded) kept = kept.Where(c => c.Succeeded == succeeded);
        return Kept(await kept.SumAsync(c => c.Count, ct));
    }
}

internal sealed class UnmatchedFileRepository(MediaDbContext db, QueueBookmarks bookmarks) : EfRepository<UnmatchedFile, UnmatchedFileId>(db), IUnmatchedFileRepository
{
    public async Task<PagedList<UnmatchedFile>> QueuePageAsync(LibraryId? library, UnmatchedStatus status, string? folder, PageRequest page, CancellationToken ct)
    {
        var under = folder is null ? null : folder + "/";
        IQueryable<UnmatchedFile> Queue(QueueBookmarks.Key? from, bool descending)
        {
            var queue = from is { } key ? From(key, descending) : Db.Set<UnmatchedFile>();
            queue = queue.AsNoTracking().Where(u => u.Status == status);
            if (library is { } l) queue = queue.Where(u => u.LibraryId == l);
            if (under is not null) queue = queue.Where(u => u.Path.StartsWith(under));
            return queue;
        }
        int total;
        QueueBookmarks.Stamp? stamp = null; // bookmarks only for the whole queue (or a library's), not a folder
        if (under is not null) total = await Queue(null, false).CountAsync(ct);
        else
        {
            var counts = Db.Set<Configurations.UnmatchedCount>().AsNoTracking().Where(c => c.Status == status);
            if (library is { } lc) counts = counts.Where(c => c.LibraryId == lc);
            var sums = (await counts.GroupBy(c => 1).Select(g => new { Count = g.Sum(c => c.Count), Version = g.Sum(c => c.Version) }).ToListAsync(ct)).FirstOrDefault();
            total = Kept(sums?.Count ?? 0);
            stamp = new QueueBookmarks.Stamp(sums?.Version ?? 0, sums?.Count ?? 0);
        }
        // A page past the middle is read from the other end (the database skips at most half of the queue), in the
        // reverse order, and turned round.
        if (SpecificationEvaluator.PageWindow.Of(page, total) is not { } window) return new PagedList<UnmatchedFile>([], page.Page, page.PageSize, total);
        var (offset, take, reversed) = window;
        var desc = (page.Direction == SortDirection.Desc) != reversed;
        IQueryable<UnmatchedFile> Ordered(IQueryable<UnmatchedFile> q) =>
            desc ? q.OrderByDescending(u => u.DiscoveredAt).ThenByDescending(u => u.Id) : q.OrderBy(u => u.DiscoveredAt).ThenBy(u => u.Id);

        // A deep page of a settled queue starts from the bookmark before it; the bookmarks up to it are learnt on the
        // way, a spacing at a time (that read costs two to three plain skips; the next ones skip less than a spacing).
        var (start, from) = (0, (QueueBookmarks.Key?)null);
        var spacing = bookmarks.SpacingFor(total);
        if (stamp is { } v && offset >= spacing && bookmarks.Settled(library, status, desc, v))
        {
            if (bookmarks.Before(library, status, desc, v, offset) is { } known) (start, from) = (known.Position, known.Key);
            while (start + spacing <= offset)
            {
                var next = await Ordered(Queue(from, desc)).Skip(spacing).Take(1)
                    .Select(u => new QueueBookmarks.Key(u.DiscoveredAt, u.Id)).ToListAsync(ct);
                if (next is not [var key]) break; // the queue changed under the read: the rest is skipped the plain way
                (start, from) = (start + spacing, key);
                bookmarks.Learn(library, status, desc, v, start, key);
            }
        }

        // Few entries to skip: the rows themselves. More: a deferred join, the skip through the (status, discovered_at,
        // id) index, then only the page's rows read, in two statements (as one, EF writes the inner skip and take into
        // the SQL as numbers: a statement of its own, compiled and planned, for every page: about 15 ms each).
        var skip = offset - start;
        List<UnmatchedFile> items;
        if (skip <= DirectSkip) items = await Ordered(Queue(from, desc)).Skip(skip).Take(take).ToListAsync(ct);
        else
        {
            var ids = await Ordered(Queue(from, desc)).Skip(skip).Take(take).Select(u => u.Id).ToListAsync(ct);
            items = await Ordered(Db.Set<UnmatchedFile>().AsNoTracking().Where(u => ids.Contains(u.Id))).ToListAsync(ct);
        }
        if (reversed) items.Reverse();
        return new PagedList<UnmatchedFile>(items, page.Page, page.PageSize, total);
    }

    private const int DirectSkip = 200;

    /// <summary>The queue from an entry on, in the order's direction: a row comparison the order's index answers.</summary>
    private IQueryable<UnmatchedFile> From(QueueBookmarks.Key key, bool descending)
    {
        var sql = descending
            ? "SELECT * FROM unmatched_file WHERE (discovered_at, id) <= ({0}, {1})"
            : "SELECT * FROM unmatched_file WHERE (discovered_at, id) >= ({0}, {1})";
        return Db.Set<UnmatchedFile>().FromSqlRaw(sql,
            Db.Stored<UnmatchedFile>(nameof(UnmatchedFile.DiscoveredAt), key.DiscoveredAt)!, Db.Stored<UnmatchedFile>(nameof(UnmatchedFile.Id), key.Id)!);
    }

    public async Task<Result> SaveResolutionAsync(UnmatchedFile resolved, CancellationToken ct)
    {
        var strategy = Db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async token =>
            {
                await using var transaction = await Db.Database.BeginTransactionAsync(token);
                // A conditional update claims the row: on PostgreSQL a second claimer waits for the first to commit and
                // then finds the row no longer pending; SQLite serialises writers, with the same outcome.
                var claimed = await Db.Set<UnmatchedFile>()
                    .Where(u => u.Id == resolved.Id && u.Status == UnmatchedStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, u => u.Status), token);
                if (claimed == 0) return (Result)UnmatchedFileErrors.AlreadyResolved(resolved.Id);
                await Db.SaveChangesAsync(acceptAllChangesOnSuccess: false, token);
                await transaction.CommitAsync(token);
                Db.ChangeTracker.AcceptAllChanges();
                return Result.Ok();
            }, ct);
        }
        catch (DbUpdateException e) when (DbErrors.ToError(e, Db) is { } error)
        {
            return error;
        }
    }
}

internal sealed class UserRepository(MediaDbContext db) : EfRepository<User, UserId>(db), IUserRepository
{
    public async Task<AuthenticatedUser?> FindByApiKeyHashAsync(string apiKeyHash, CancellationToken ct)
    {
        var found = await (
            from user in Db.Set<User>().AsNoTracking()
            join role in Db.Set<Role>().AsNoTracking() on user.RoleId equals role.Id
            where user.ApiKeyHash == apiKeyHash && !user.Disabled
            select new { user.Id, user.Username, Role = role.Name, Permissions = role.Permissions.Select(p => p.Code).ToList() })
            .FirstOrDefaultAsync(ct);
        return found is null ? null : new AuthenticatedUser(found.Id, found.Username, found.Role, found.Permissions);
    }
}

internal sealed class RoleRepository(MediaDbContext db) : EfRepository<Role, RoleId>(db), IRoleRepository
{
    protected override IQueryable<Role> Aggregate => Db.Set<Role>().Include(r => r.Permissions);
}

internal sealed class SettingsStore(MediaDbContext db) : Application.Settings.ISettingsStore
{
    public async Task<IReadOnlyList<Domain.Settings.AppSetting>> ListAsync(CancellationToken ct) =>
        await db.Set<Domain.Settings.AppSetting>().AsNoTracking().ToListAsync(ct);

    public async Task SaveAsync(string key, string value, DateTimeOffset at, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var setting = await db.Set<Domain.Settings.AppSetting>().FirstOrDefaultAsync(s => s.Key == key, ct);
            if (setting is null) db.Add(Domain.Settings.AppSetting.Create(key, value, at));
            else setting.Change(value, at);
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                db.ChangeTracker.Clear(); // another request created the key first: change theirs
            }
        }
    }
}

internal sealed class DownloaderRepository(MediaDbContext db) : EfRepository<Domain.Downloads.Downloader, DownloaderId>(db), Application.Downloads.IDownloaderRepository;

internal sealed class DownloadJobRepository(MediaDbContext db) : EfRepository<Domain.Downloads.DownloadJob, DownloadJobId>(db), Application.Downloads.IDownloadJobRepository;

internal sealed class PolicyRepository(MediaDbContext db) : EfRepository<Domain.Policies.Policy, PolicyId>(db), Application.Policies.IPolicyRepository;

internal sealed class NameTemplateRepository(MediaDbContext db) : EfRepository<Domain.Naming.NameTemplate, NameTemplateId>(db), Application.Policies.INameTemplateRepository;
