using System.Collections.Concurrent;
using Media.Application.Libraries;
using Media.Application.Scanning;
using Media.Domain.Common;
using Media.Domain.Libraries;

namespace Media.Api.Background;

/// <summary>
/// Watches the folders of local libraries (inotify, through FileSystemWatcher) and turns creations, deletions,
/// renames and writes into targeted rescans (<see cref="FolderChanges"/>: debounced, coalesced). Partial downloads
/// (.part, .!qB) and the import's own staging files (.partial) are ignored, and so are system folders. An overflow or
/// an error of the watcher is a rescan of the whole library, logged; a root that disappears (an unmounted disk) is
/// watched again when it is back, and its rescan finds the root unavailable and marks nothing missing. Libraries with
/// <c>watch</c> off, object storage, and <c>Watcher__Enabled=false</c> are not watched; the scheduled scan
/// (<c>scan.intervalMinutes</c>) stays the safety net.
/// </summary>
internal sealed class LibraryWatcher(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<LibraryWatcher> logger)
    : BackgroundService
{
    private static readonly string[] IgnoredEndings = [".part", ".!qb", ".partial"];
    private readonly ConcurrentDictionary<LibraryId, Watch> _watches = new();

    /// <summary>How long a library must be quiet before its changes are rescanned.</summary>
    public TimeSpan Quiet { get; private set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether the library's root is being watched now.</summary>
    public bool IsWatching(LibraryId library) => _watches.TryGetValue(library, out var watch) && !watch.Broken;

    /// <summary>Rescans this watcher started, per library (what the tests and the log report).</summary>
    public ConcurrentDictionary<LibraryId, int> Rescans { get; } = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Watcher:Enabled", true)) return;
        var quiet = Quiet = configuration.GetValue("Watcher:Quiet", TimeSpan.FromSeconds(2));
        var refresh = configuration.GetValue("Watcher:Refresh", TimeSpan.FromSeconds(5));
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(quiet.TotalMilliseconds / 4, 50, 500));
        var nextRefresh = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (clock.GetUtcNow() >= nextRefresh)
                    {
                        await RefreshAsync(quiet, stoppingToken);
                        nextRefresh = clock.GetUtcNow() + refresh;
                    }
                    await StartDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "The library watcher's round failed");
                }
                try { await Task.Delay(tick, clock, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            foreach (var watch in _watches.Values) watch.Dispose();
            _watches.Clear();
        }
    }

    /// <summary>Watches what should be watched: libraries added, removed, turned on or off, roots gone or back.</summary>
    private async Task RefreshAsync(TimeSpan quiet, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var libraries = await scope.ServiceProvider.GetRequiredService<ILibraryRepository>().ListAsync(new Media.Application.Libraries.AllLibraries(), ct);
        var wanted = libraries.Where(l => l.Watch && l.Storage.Provider == StorageLocation.LocalProvider).ToDictionary(l => l.Id);
        foreach (var (id, watch) in _watches)
        {
            // A root that is another folder now (a disk unmounted, leaving its empty mount point, or mounted again) is watched anew.
            if (!watch.Broken && Infrastructure.Storage.FileIdentity.NodeOf(watch.Root) != watch.Node)
            {
                logger.LogWarning("The root of library {Library} changed (unmounted or mounted): the whole library is rescanned, and it is watched again", id.Value);
                watch.Broken = true;
            }
            if (wanted.TryGetValue(id, out var library) && library.Storage.Root.TrimEnd('/') == watch.Root && !watch.Broken) continue;
            _watches.TryRemove(id, out _);
            watch.Dispose();
            if (watch.Broken)
            {
                // The root went away (or the watcher failed): when it is watched again, what changed meanwhile is found by a scan.
                lock (watch.Changes) watch.Changes.Lost(clock.GetUtcNow());
                _pendingAfterBreak[id] = watch.Changes;
            }
        }
        foreach (var library in wanted.Values)
        {
            if (_watches.ContainsKey(library.Id) || !Directory.Exists(library.Storage.Root)) continue;
            if (_unwatchable.TryGetValue(library.Id, out var retry) && clock.GetUtcNow() < retry) continue;
            var changes = _pendingAfterBreak.TryRemove(library.Id, out var kept) ? kept : new FolderChanges(quiet);
            try
            {
                _watches[library.Id] = new Watch(this, library, changes);
                logger.LogInformation("Watching library {Library} at {Root}", library.Id.Value, library.Storage.Root);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Often the inotify limit (fs.inotify.max_user_watches: one watch per folder); tried again in a while, not every round.
                logger.LogWarning(e, "Library {Library} at {Root} cannot be watched (tried again in 5 minutes); the scheduled scan still covers it",
                    library.Id.Value, library.Storage.Root);
                _unwatchable[library.Id] = clock.GetUtcNow() + TimeSpan.FromMinutes(5);
            }
        }
    }

    private readonly ConcurrentDictionary<LibraryId, FolderChanges> _pendingAfterBreak = new();
    private readonly ConcurrentDictionary<LibraryId, DateTimeOffset> _unwatchable = new();

    private async Task StartDueAsync(CancellationToken ct)
    {
        foreach (var (id, watch) in _watches)
        {
            string? folder;
            lock (watch.Changes)
                if (!watch.Changes.TryTakeDue(clock.GetUtcNow(), out folder)) continue;
            folder = Settled(watch.Root, folder);
            await using var scope = scopes.CreateAsyncScope();
            var started = await scope.ServiceProvider.GetRequiredService<StartScanHandler>().Handle(new StartScan(id, folder), ct);
            if (started.IsSuccess)
            {
                Rescans.AddOrUpdate(id, 1, (_, n) => n + 1);
                logger.LogInformation("Watcher: rescan of library {Library}, folder {Folder}", id.Value, folder ?? "(all)");
            }
            else
            {
                // A scan of the library is running (or the library is gone): the changes wait for the next round.
                lock (watch.Changes) watch.Changes.Retry(folder);
            }
        }
    }

    /// <summary>
    /// A folder that is gone or empty now (its files deleted or moved away) is rescanned from the nearest folder that
    /// still holds something, so that the rescan sees them gone; up to the root, whose scan tells an unmounted disk
    /// (empty or unavailable) from a real change and then marks nothing missing.
    /// </summary>
    private static string? Settled(string root, string? folder)
    {
        while (!string.IsNullOrEmpty(folder))
        {
            var full = Path.Combine(root, folder);
            try
            {
                if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()) return folder;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return folder; // unreadable: its scan reports it
            }
            var slash = folder.LastIndexOf('/');
            folder = slash < 0 ? null : folder[..slash];
        }
        return null;
    }

    private void Changed(Watch watch, string? fullPath)
    {
        if (fullPath is null || !fullPath.StartsWith(watch.Root, StringComparison.Ordinal)) return;
        var relative = fullPath[watch.Root.Length..].TrimStart('/');
        if (IgnoredEndings.Any(e => relative.EndsWith(e, StringComparison.OrdinalIgnoreCase))) return;
        var slash = relative.LastIndexOf('/');
        var folder = slash < 0 ? "" : relative[..slash];
        if (folder.Split('/').Any(part => part.StartsWith('.') || ScanRunner.SystemFolders.Contains(part))) return;
        lock (watch.Changes) watch.Changes.Changed(folder, clock.GetUtcNow());
    }

    private void Failed(Watch watch, Exception error)
    {
        if (error is InternalBufferOverflowException)
            logger.LogWarning("Watcher of library {Library} overflowed (too many changes at once): the whole library is rescanned", watch.Library.Value);
        else
        {
            logger.LogWarning(error, "Watcher of library {Library} failed: the whole library is rescanned, and it is watched again", watch.Library.Value);
            watch.Broken = true;
        }
        lock (watch.Changes) watch.Changes.Lost(clock.GetUtcNow());
    }

    /// <summary>One library's FileSystemWatcher and its pending changes.</summary>
    private sealed class Watch : IDisposable
    {
        private readonly FileSystemWatcher _watcher;

        public Watch(LibraryWatcher owner, Library library, FolderChanges changes)
        {
            (Library, Root, Changes) = (library.Id, library.Storage.Root.TrimEnd('/'), changes);
            Node = Infrastructure.Storage.FileIdentity.NodeOf(Root);
            _watcher = new FileSystemWatcher(Root)
            {
                IncludeSubdirectories = true,
                InternalBufferSize = 64 * 1024,
                // Not attributes: the identity a scan writes into a file (xattr) must not trigger another rescan.
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
            };
            _watcher.Created += (_, e) => owner.Changed(this, e.FullPath);
            _watcher.Deleted += (_, e) => owner.Changed(this, e.FullPath);
            _watcher.Changed += (_, e) =>
            {
                // inotify reports attribute changes as changes too, and a scan writes the identity into the files it
                // records (xattr): only a write is a change. A scan starts once the library has been quiet for the
                // debounce time, so what it writes into a file comes at least that long after the file's last write.
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(e.FullPath) < owner.Quiet) owner.Changed(this, e.FullPath);
            };
            _watcher.Renamed += (_, e) =>
            {
                owner.Changed(this, e.OldFullPath);
                owner.Changed(this, e.FullPath);
            };
            _watcher.Error += (_, e) => owner.Failed(this, e.GetException());
            _watcher.EnableRaisingEvents = true;
        }

        public LibraryId Library { get; }
        public string Root { get; }
        public FolderChanges Changes { get; }
        public (long Device, long Inode)? Node { get; }
        public volatile bool Broken;

        public void Dispose() => _watcher.Dispose();
    }
}
