using System.Diagnostics;
using Media.Application.Libraries;
using Media.Application.Metadata;
using Media.Application.Parsing;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.Scans;
using Media.Domain.Unmatched;
using Microsoft.Extensions.Logging;

namespace Media.Application.Scanning;

/// <summary>
/// Runs one queued scan: walks the library (or one folder), keeps every known file's state true to the disk,
/// identifies new video files, queues the ones it cannot identify, and marks missing what a complete walk did not
/// see. It never marks anything missing when the walk could not be trusted (root gone, root empty while the library
/// holds files, walk failed part way), and never under a folder it could not read.
/// </summary>
public sealed class ScanRunner(
    IScanRepository scans, ILibraryRepository libraries, IScanStore store, ILibraryStorageFactory storages,
    IMetadataSource tmdb, TimeProvider clock, ILogger<ScanRunner> logger)
{
    private const int BatchSize = 500;
    private const int IdentifyBatch = 256;
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(2);

    /// <summary>Folders nobody means as media: NAS metadata, recycle bins, and bonus material.</summary>
    public static bool SkipFolder(string name) =>
        name.StartsWith('.') || name.StartsWith('@') || name.StartsWith('#') || name.StartsWith('$') ||
        name.Equals("lost+found", StringComparison.OrdinalIgnoreCase) ||
        NameParser.ExtrasFolders.Contains(name);

    public async Task RunAsync(ScanId id, CancellationToken ct)
    {
        if (await scans.FindAsync(id, ct) is not { } scan) return;
        if (scan.Start(clock.GetUtcNow()).IsFailure) return;
        await scans.SaveAsync(ct);
        try
        {
            var error = await WalkAsync(scan, ct);
            if (error is null) scan.Complete(clock.GetUtcNow());
            else scan.Fail(error, clock.GetUtcNow());
            await store.FlushAsync(ct);
            await scans.SaveAsync(ct);
            logger.LogInformation(
                "Scan {Scan} of library {Library} {Status}: {Seen} seen, {Identified} identified, {Unmatched} unmatched, {Missing} missing {Error}",
                scan.Id.Value, scan.LibraryId.Value, scan.Status, scan.FilesSeen, scan.FilesIdentified, scan.FilesUnmatched, scan.FilesMissing, error);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(e, "Scan {Scan} failed", scan.Id.Value);
            await FailAsync(scan.Id, $"The scan failed: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            await FailAsync(scan.Id, "The scan was interrupted (the service is stopping).");
        }
    }

    /// <summary>Records a failure through a clean unit of work: the current one may be what broke.</summary>
    private async Task FailAsync(ScanId id, string error)
    {
        try
        {
            await scans.SaveAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Pending scan changes could not be saved");
        }
        if (await scans.FindAsync(id, CancellationToken.None) is { } scan)
        {
            scan.Fail(error, clock.GetUtcNow());
            await scans.SaveAsync(CancellationToken.None);
        }
    }

    /// <summary>The walk and everything it decides; returns why the scan failed, or null.</summary>
    private async Task<string?> WalkAsync(Scan scan, CancellationToken ct)
    {
        if (await libraries.FindAsync(scan.LibraryId, ct) is not { } library) return "The library no longer exists.";
        var storage = storages.For(library.Storage);
        if (await storage.UnavailableReasonAsync(ct) is { } reason)
            return $"The library root is unavailable ({reason}); nothing was marked missing.";

        var known = new Dictionary<string, KnownFile>(StringComparer.Ordinal);
        await foreach (var file in store.KnownFilesAsync(library.Id, scan.Folder, ct)) known[file.Path] = file;
        var queued = (await store.UnresolvedAsync(library.Id, scan.Folder, ct)).ToDictionary(u => u.Path, StringComparer.Ordinal);

        var identifier = new Identifier(store, tmdb, library, clock, logger);
        var counters = new Counters();
        var unreadable = new List<string>();
        var verified = new List<(MediaFileId, long)>();
        var pendingWrites = 0;
        var filesWalked = 0;
        var fresh = new List<(StoredFile File, ParsedName Parsed)>(IdentifyBatch);
        var heartbeat = Stopwatch.StartNew();

        try
        {
            await foreach (var file in storage.WalkAsync(scan.Folder, SkipFolder, p => OnProblem(p, unreadable), ct))
            {
                filesWalked++;
                var now = clock.GetUtcNow();
                if (known.Remove(file.Path, out var existing))
                {
                    // A known file is only verified: no parsing, no identification, no TMDB.
                    counters.Seen++;
                    // Unchanged files are verified all at once after the walk (TouchAllAsync).
                    if (!existing.Exists || existing.Size != file.Size) verified.Add((existing.Id, file.Size));
                }
                else
                {
                    var parsed = NameParser.Parse(file.Path);
                    if (!parsed.IsVideo || parsed.IsPartial || parsed.IsSample || parsed.IsExtra) continue;
                    counters.Seen++;
                    fresh.Add((file, parsed));
                    if (fresh.Count >= IdentifyBatch)
                    {
                        await IdentifyAsync(library, fresh, queued, identifier, counters, ct);
                        pendingWrites += IdentifyBatch;
                    }
                }

                if (verified.Count >= BatchSize || pendingWrites >= BatchSize)
                {
                    await WriteAsync(identifier, verified, now, ct);
                    pendingWrites = 0;
                }
                if (heartbeat.Elapsed >= HeartbeatEvery)
                {
                    await WriteAsync(identifier, verified, now, ct);
                    pendingWrites = 0;
                    scan.Progress(counters.Seen, counters.Identified, counters.Unmatched, counters.Missing, now);
                    await scans.SaveAsync(ct);
                    heartbeat.Restart();
                }
            }
        }
        catch (Exception e) when (e is StorageUnavailableException or IOException or UnauthorizedAccessException)
        {
            // What was seen is kept; nothing is marked missing from a walk that did not finish.
            await IdentifyAsync(library, fresh, queued, identifier, counters, ct);
            await WriteAsync(identifier, verified, clock.GetUtcNow(), ct);
            Report(scan, counters);
            return e is StorageUnavailableException
                ? $"The library root became unavailable during the walk ({e.Message}); nothing was marked missing."
                : $"The walk failed part way ({e.Message}); nothing was marked missing.";
        }

        await IdentifyAsync(library, fresh, queued, identifier, counters, ct);
        var end = clock.GetUtcNow();
        await WriteAsync(identifier, verified, end, ct);

        var gone = known.Values.Where(k => k.Exists && !Under(k.Path, unreadable)).Select(k => k.Id).ToList();
        if (filesWalked == 0 && known.Count > 0)
        {
            Report(scan, counters);
            return $"The library root is empty while the library holds {known.Count} files for it: taken as an unmounted share, nothing was marked missing.";
        }
        await store.MarkMissingAsync(gone, end, ct);
        counters.Missing = gone.Count;
        await store.TouchAllAsync(library.Id, scan.Folder, unreadable, end, ct);

        // Pending queue entries whose file is gone leave the queue; dismissed ones stay as the user's decision.
        foreach (var left in queued.Values.Where(u => u.Status == UnmatchedStatus.Pending && !Under(u.Path, unreadable)))
            store.Remove(left);
        Report(scan, counters);
        logger.LogInformation("Scan {Scan} phases: TMDB prefetch {Prefetch:F2} s, identify {Identify:F2} s, writes {Writes:F2} s",
            scan.Id.Value, counters.Prefetch.TotalSeconds, counters.Identify.TotalSeconds, _writes.TotalSeconds);
        return null;
    }

    /// <summary>New files, a batch at a time: TMDB is asked for the whole batch at once, then each file is decided in order.</summary>
    private async Task IdentifyAsync(
        Library library, List<(StoredFile File, ParsedName Parsed)> fresh, Dictionary<string, UnmatchedFile> queued,
        Identifier identifier, Counters counters, CancellationToken ct)
    {
        if (fresh.Count == 0) return;
        var clock1 = Stopwatch.GetTimestamp();
        await identifier.PrefetchAsync(fresh.Where(f => !queued.TryGetValue(f.File.Path, out var q) || q.Status == UnmatchedStatus.Pending)
            .Select(f => (f.File.Path, f.Parsed)), ct);
        counters.Prefetch += Stopwatch.GetElapsedTime(clock1);
        var clock2 = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        foreach (var (file, parsed) in fresh) await NewOrQueuedAsync(library, file, parsed, queued, identifier, counters, now, ct);
        counters.Identify += Stopwatch.GetElapsedTime(clock2);
        fresh.Clear();
    }

    /// <summary>A video file the library does not know: matched again if it waits in the queue, else identified.</summary>
    private async Task NewOrQueuedAsync(
        Library library, StoredFile file, ParsedName parsed, Dictionary<string, UnmatchedFile> queued, Identifier identifier,
        Counters counters, DateTimeOffset now, CancellationToken ct)
    {
        if (queued.Remove(file.Path, out var entry))
        {
            if (entry.Status != UnmatchedStatus.Pending) return; // dismissed stays dismissed
            entry.Seen(file.Size);
            var again = await identifier.IdentifyAsync(file.Path, parsed, ct);
            if (again.IsMatch && AddFile(library, file, again, now) is { } matched)
            {
                entry.Match(matched, now);
                counters.Identified++;
                return;
            }
            if (again.Suggestions.Count > 0) entry.RefreshSuggestions(again.Suggestions);
            counters.Unmatched++;
            return;
        }
        var found = await identifier.IdentifyAsync(file.Path, parsed, ct);
        if (found.IsMatch && AddFile(library, file, found, now) is not null)
        {
            counters.Identified++;
            return;
        }
        store.Add(UnmatchedFile.Discover(library.Id, file.Path, file.Size, found.Suggestions, now));
        counters.Unmatched++;
    }

    private MediaFileId? AddFile(Library library, StoredFile file, Identification found, DateTimeOffset at)
    {
        // A file of several episodes is recorded against its first (the model has one episode per file).
        var created = MediaFile.Create(library, found.Item!, found.Episodes.Count > 0 ? found.Episodes[0] : null, file.Path, FileState.Verified(file.Size, at), at);
        if (created.IsFailure)
        {
            logger.LogWarning("{Path} identified but not recorded: {Error}", file.Path, created.Error!.Message);
            return null;
        }
        store.Add(created.Value, ImportAttempt.Success(ImportMethod.Scan, created.Value.Id, file.Path, file.Path, at));
        return created.Value.Id;
    }

    private async Task WriteAsync(
        Identifier identifier, List<(MediaFileId, long)> verified, DateTimeOffset at, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
        if (verified.Count > 0) await store.VerifyAsync(verified, at, ct);
        verified.Clear();
        identifier.Replace(await store.FlushAsync(ct));
        }
        finally
        {
            _writes += Stopwatch.GetElapsedTime(started);
        }
    }

    private TimeSpan _writes;

    private void Report(Scan scan, Counters c) => scan.Progress(c.Seen, c.Identified, c.Unmatched, c.Missing, clock.GetUtcNow());

    private void OnProblem(WalkProblem problem, List<string> unreadable)
    {
        if (problem.Kind == WalkProblemKind.Unreadable) unreadable.Add(problem.Path.TrimEnd('/'));
        logger.LogWarning("Scan skipped {Path}: {Kind} ({Message})", problem.Path, problem.Kind, problem.Message);
    }

    private static bool Under(string path, List<string> folders) =>
        folders.Exists(f => f.Length == 0 || path.StartsWith(f + "/", StringComparison.Ordinal) || path == f);

    private sealed class Counters
    {
        public TimeSpan Prefetch;
        public TimeSpan Identify;
        public int Seen;
        public int Identified;
        public int Unmatched;
        public int Missing;
    }
}
