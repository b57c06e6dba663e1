using System.Collections.Frozen;
using System.Diagnostics;
using System.Text.Json;
using Media.Application.Common;
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
    IMetadataSource tmdb, IScanLedger ledger, TimeProvider clock, ILogger<ScanRunner> logger, InstanceIdentity? instance = null,
    IFileMoveStore? moves = null, Probing.IProbeQueue? probes = null)
{
    /// <summary>Files created or changed since the last write: queued for a probe with the next write (never probed here).</summary>
    private readonly List<MediaFileId> _toProbe = [];

    /// <summary>The scan's move recognition, once the known files are read: its writes beside the walk end with the scan.</summary>
    private MoveMatcher? _matcher;

    /// <summary>Known files the walk saw unchanged, not yet handed to the store; and the last write of each line beside the walk.</summary>
    private readonly List<MediaFileId> _unchanged = [];
    /// <summary>Two lines of writes, chunks taking turns: the database verifies on both cores once the walk is done.</summary>
    private readonly Task[] _touching = [Task.CompletedTask, Task.CompletedTask];
    private int _touches;
    private const int TouchChunk = 2048;

    private const int BatchSize = 500;
    private const int IdentifyBatch = 256;
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(2);

    /// <summary>Folders of operating systems and NAS boxes, never media: recycle bins, snapshots, thumbnails.</summary>
    public static readonly FrozenSet<string> SystemFolders = FrozenSet.ToFrozenSet(
        ["@eaDir", "#recycle", "#snapshot", "@Recycle", "@Recently-Snapshot", "$RECYCLE.BIN", "System Volume Information", "lost+found"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Why a folder (library-relative path) is not walked, or null: a system folder (dot-folders included), or an
    /// extras folder inside a title's folder ("Heat (1995)/Featurettes"). A user's own "Other" or "#Classics" is walked.
    /// </summary>
    public static string? SkipReason(string folder, ParseHint hint)
    {
        var slash = folder.LastIndexOf('/');
        var name = slash < 0 ? folder : folder[(slash + 1)..];
        if (name.StartsWith('.') || SystemFolders.Contains(name)) return SkipSystem;
        return NameParser.IsExtrasFolder(folder.Split('/'), hint) ? SkipExtras : null;
    }

    public const string SkipSystem = "system";
    public const string SkipExtras = "extras";

    /// <summary>Runs the scan if this call claims it; false when someone else did (or it is not queued).</summary>
    public async Task<bool> RunAsync(ScanId id, CancellationToken ct, Action? claimed = null)
    {
        // Exactly one worker, in any instance, moves a queued scan to running; the claim's time is its lease token
        // (whole milliseconds: what every database stores exactly).
        var now = clock.GetUtcNow();
        var claim = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        if (!await ledger.ClaimAsync(id, claim, instance?.Name ?? Environment.MachineName, ct)) return false;
        claimed?.Invoke();
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = BeatAsync(id, claim, lost);
        string? failure = null;
        try
        {
            if (await scans.FindAsync(id, lost.Token) is not { } scan) return true;
            var error = await WalkAsync(scan, lost.Token);
            if (error is null) scan.Complete(clock.GetUtcNow());
            else scan.Fail(error, clock.GetUtcNow());
            var saved = await scans.SaveAsync(lost.Token);
            if (saved.IsFailure) failure = $"The scan's results could not be saved: {saved.Error!.Message}";
            logger.LogInformation(
                "Scan {Scan} of library {Library} {Status}: {Walked} walked, {Seen} seen, {Identified} identified, {Unmatched} unmatched, {Missing} missing, {Failed} failed {Error}",
                scan.Id.Value, scan.LibraryId.Value, scan.Status, scan.FilesWalked, scan.FilesSeen, scan.FilesIdentified, scan.FilesUnmatched,
                scan.FilesMissing, scan.FilesFailed, error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            failure = "The scan was interrupted (the service is stopping).";
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // The lease was lost (this instance stalled and another took the scan over): the scan is theirs now.
            logger.LogWarning("Scan {Scan} was taken over by another instance; this run stops", id.Value);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Scan {Scan} failed", id.Value);
            failure = $"The scan failed: {e.Message}";
        }
        finally
        {
            if (_matcher is not null) await _matcher.StopAsync();
            await StopTouchingAsync();
            await lost.CancelAsync();
            await heartbeat;
        }
        // Recorded outside the scan's unit of work, which may be what broke: a scan never stays running.
        if (failure is not null) await ledger.FailAsync(id, failure, clock.GetUtcNow(), CancellationToken.None);
        return true;
    }

    /// <summary>
    /// The heartbeat (the lease) beats on its own while the scan waits on anything: TMDB, the disk, the database. When
    /// the scan is no longer this claim's, the run is cancelled.
    /// </summary>
    private async Task BeatAsync(ScanId id, DateTimeOffset claim, CancellationTokenSource run)
    {
        var ct = run.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(HeartbeatEvery, clock, ct);
                if (!await ledger.BeatAsync(id, claim, clock.GetUtcNow(), ct))
                {
                    await run.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The heartbeat of scan {Scan} could not be written", id.Value);
            }
        }
    }

    /// <summary>
    /// An unchanged known file is verified when the walk sees it: a chunk at a time, beside the walk (which does not wait
    /// for it), on two lines of writes. A re-scan so costs the database no update of every file after the walk, and a
    /// walk that breaks off keeps what it saw verified.
    /// </summary>
    private void Unchanged(MediaFileId file, CancellationToken ct)
    {
        _unchanged.Add(file);
        if (_unchanged.Count >= TouchChunk) TouchBeside(ct);
    }

    private void TouchBeside(CancellationToken ct)
    {
        if (_unchanged.Count == 0) return;
        var chunk = _unchanged.ToArray();
        _unchanged.Clear();
        var line = _touches++ % _touching.Length;
        _touching[line] = TouchAfterAsync(_touching[line], chunk, clock.GetUtcNow(), ct);
    }

    private async Task TouchAfterAsync(Task before, MediaFileId[] chunk, DateTimeOffset at, CancellationToken ct)
    {
        await Task.Yield(); // the walk goes on while this writes
        await before;
        await store.TouchAsync(chunk, at, ct);
    }

    /// <summary>The files seen unchanged are all verified (a write beside the walk that failed fails the scan).</summary>
    private Task TouchedAsync(CancellationToken ct)
    {
        TouchBeside(ct);
        return Task.WhenAll(_touching);
    }

    /// <summary>When a scan ends in any way: a write beside the walk still running is let finish.</summary>
    private async Task StopTouchingAsync()
    {
        try
        {
            await Task.WhenAll(_touching);
        }
        catch (OperationCanceledException)
        {
            // The scan was stopped: what was not recorded is verified by the next one.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Files verified beside a scan that ended could not all be recorded");
        }
    }

    /// <summary>The walk and everything it decides; returns why the scan failed, or null.</summary>
    private async Task<string?> WalkAsync(Scan scan, CancellationToken ct)
    {
        if (await libraries.FindAsync(scan.LibraryId, ct) is not { } library) return "The library no longer exists.";
        var storage = storages.For(library.Storage);
        if (await storage.UnavailableReasonAsync(ct) is { } reason)
            return $"The library root is unavailable ({reason}); nothing was marked missing.";

        var hint = library.Kind == LibraryKind.Movies ? ParseHint.Movie : ParseHint.Series;
        // What the library knows is read while the disk is walked: the walk does not wait for the database. Until it is
        // read, walked files wait in a list (the unit of work is the reader's alone meanwhile).
        var walkStarted = Stopwatch.GetTimestamp();
        var knownLoad = LoadKnownAsync(library.Id, scan.Folder, ct);
        Dictionary<string, KnownFile>? known = null;
        Dictionary<string, UnmatchedFile> queued = [];
        MoveMatcher matcher = null!; // made when the known files are read
        var early = new List<StoredFile>();

        var identifier = new Identifier(store, tmdb, library, clock, logger);
        var counters = new Counters();
        var unreadable = new List<string>();
        var verified = new List<(MediaFileId, long)>();
        var pendingWrites = 0;
        var fresh = new List<(StoredFile File, ParsedName Parsed)>(IdentifyBatch);
        var heartbeat = Stopwatch.StartNew();

        bool Skip(string folder)
        {
            switch (SkipReason(folder, hint))
            {
                case SkipSystem: counters.SystemFolders++; return true;
                case SkipExtras: counters.ExtrasFolders++; return true;
                default: return false;
            }
        }

        void Problem(WalkProblem problem)
        {
            if (problem.Kind == WalkProblemKind.Unreadable)
            {
                unreadable.Add(problem.Path.TrimEnd('/'));
                counters.Unreadable++;
            }
            scan.Problem(new ScanProblem(problem.Path, JsonNamingPolicy.SnakeCaseLower.ConvertName(problem.Kind.ToString()), problem.Message));
            logger.LogWarning("Scan skipped {Path}: {Kind} ({Message})", problem.Path, problem.Kind, problem.Message);
        }

        try
        {
            await foreach (var walked in storage.WalkAsync(scan.Folder, Skip, Problem, ct))
            {
                counters.Walked++;
                counters.Folder = walked.Path;
                if (known is null)
                {
                    if (!knownLoad.IsCompleted)
                    {
                        early.Add(walked);
                        continue;
                    }
                    await KnownLoadedAsync();
                }
                await SeenAsync(walked);
            }
            if (known is null) await KnownLoadedAsync();
        }
        catch (Exception e) when (e is StorageUnavailableException or IOException or UnauthorizedAccessException)
        {
            // What was seen is kept; nothing is marked missing from a walk that did not finish.
            if (known is null) await KnownLoadedAsync();
            await IdentifyAsync(scan, library, fresh, queued, identifier, matcher, counters, ProgressAsync, ct);
            foreach (var problem in await matcher.FlushAsync(ct)) Failed(scan, counters, problem);
            await WriteAsync(scan, counters, verified, clock.GetUtcNow(), ct);
            await TouchedAsync(ct); // what the walk saw before it broke off was seen
            Report(scan, counters);
            return e is StorageUnavailableException
                ? $"The library root became unavailable during the walk ({e.Message}); nothing was marked missing."
                : $"The walk failed part way ({e.Message}); nothing was marked missing.";
        }

        // The known files are read: the files walked meanwhile are looked at now, in the order they came.
        async Task KnownLoadedAsync()
        {
            (known, queued) = await knownLoad;
            // Files waiting in the queue are identified again when the walk meets them: the titles are read meanwhile.
            if (queued.Values.Any(q => q.Status == UnmatchedStatus.Pending)) identifier.Preload(ct);
            _matcher = matcher = new MoveMatcher(known, storage, moves, library, libraries, storages, clock, logger);
            counters.Load = Stopwatch.GetElapsedTime(walkStarted);
            var waited = early;
            early = [];
            foreach (var file in waited) await SeenAsync(file);
        }

        async Task SeenAsync(StoredFile file)
        {
            var now = clock.GetUtcNow();
            if (known!.Remove(file.Path, out var existing) && !await matcher.IsSameFileAsync(existing, file, ct))
            {
                // Another file at a known path: the known one may still be found elsewhere, else it goes missing.
                known[existing.Path] = existing;
                existing = null;
            }
            if (existing is not null)
            {
                // A known file is only verified: no parsing, no identification, no TMDB.
                counters.Seen++;
                if (!existing.Exists || existing.Size != file.Size) verified.Add((existing.Id, file.Size));
                else Unchanged(existing.Id, ct);
                if (!existing.Exists || existing.Size != file.Size || file.ModifiedAt > existing.LastVerifiedAt) _toProbe.Add(existing.Id);
            }
            else if (IsMedia(file, hint, counters) is { } parsed)
            {
                counters.Seen++;
                if (RelativePath.Normalize(file.Path).IsFailure || RelativePath.Normalize(file.Path).Value != file.Path)
                {
                    // A name the model cannot hold as it is: reported on the scan, never the end of it.
                    Failed(scan, counters, new ScanProblem(file.Path, "unstorable_name",
                        RelativePath.Normalize(file.Path).Error?.Message ?? "The name cannot be stored exactly as the file system has it."));
                    return;
                }
                fresh.Add((file, parsed));
                if (fresh.Count >= IdentifyBatch)
                {
                    await IdentifyAsync(scan, library, fresh, queued, identifier, matcher, counters, ProgressAsync, ct, drain: false);
                    pendingWrites += IdentifyBatch;
                }
            }

            if (verified.Count >= BatchSize || pendingWrites >= BatchSize)
            {
                await WriteAsync(scan, counters, verified, now, ct, behind: true);
                pendingWrites = 0;
            }
            await ProgressAsync();
        }

        // Every two seconds, while files are walked or decided: what is decided is written and the scan's counters saved.
        async Task ProgressAsync()
        {
            if (heartbeat.Elapsed < HeartbeatEvery) return;
            await WriteAsync(scan, counters, verified, clock.GetUtcNow(), ct, behind: true);
            pendingWrites = 0;
            Report(scan, counters);
            await SaveProgressAsync(ct);
            heartbeat.Restart();
        }

        await IdentifyAsync(scan, library, fresh, queued, identifier, matcher, counters, ProgressAsync, ct);
        await WriteAsync(scan, counters, verified, clock.GetUtcNow(), ct);
        // Known files found at new paths; new files that were not after all are identified now.
        var settleStarted = Stopwatch.GetTimestamp();
        var (notMoved, unmoved) = await matcher.SettleAsync(known!, path => Under(path, unreadable), ct);
        counters.Moves = Stopwatch.GetElapsedTime(settleStarted);
        foreach (var problem in unmoved) Failed(scan, counters, problem);
        fresh.AddRange(notMoved);
        await IdentifyAsync(scan, library, fresh, queued, identifier, matcher, counters, ProgressAsync, ct);
        var end = clock.GetUtcNow();
        await WriteAsync(scan, counters, verified, end, ct);
        counters.Walk = Stopwatch.GetElapsedTime(walkStarted);
        var finishStarted = Stopwatch.GetTimestamp();

        known ??= (await knownLoad).Known;
        var gone = known.Values.Where(k => k.Exists && !Under(k.Path, unreadable)).Select(k => k.Id).ToList();
        // An empty root, or a root with nothing but non-media files (a .DS_Store, a placeholder, as an unmounted share's
        // mount point often has) while the library holds files for it: an unmounted share. A folder scan is taken as
        // unmounted only when the folder is empty: a title folder whose one video was moved away is a real change.
        if ((scan.Folder is null ? counters.Seen : counters.Walked) == 0 && known.Values.Any(k => k.Exists))
        {
            Report(scan, counters);
            return $"The library root is empty of video files while the library holds {known.Count} files for it: taken as an unmounted share, nothing was marked missing.";
        }
        await store.MarkMissingAsync(gone, end, ct);
        counters.Missing = gone.Count;
        await TouchedAsync(ct);

        // Pending queue entries whose file is gone leave the queue; dismissed ones stay as the user's decision.
        foreach (var left in queued.Values.Where(u => u.Status == UnmatchedStatus.Pending && !Under(u.Path, unreadable)))
            store.Remove(left);
        counters.Folder = null;
        Report(scan, counters);
        logger.LogInformation(
            "Scan {Scan} phases: load known {Load:F2} s, walk {Walk:F2} s (TMDB prefetch {Prefetch:F2} s, identify {Identify:F2} s, writes {Writes:F2} s, moves settled {Moves:F2} s), missing and verified {Finish:F2} s",
            scan.Id.Value, counters.Load.TotalSeconds, counters.Walk.TotalSeconds, counters.Prefetch.TotalSeconds, counters.Identify.TotalSeconds,
            counters.Writes.TotalSeconds, counters.Moves.TotalSeconds, Stopwatch.GetElapsedTime(finishStarted).TotalSeconds);
        return null;

        async Task SaveProgressAsync(CancellationToken token)
        {
            var saved = await scans.SaveAsync(token);
            if (saved.IsFailure) throw new InvalidOperationException($"The scan's progress could not be saved: {saved.Error!.Message}");
        }
    }

    /// <summary>The library's files (by path) and its unresolved queue entries (by path), under the scan's folder.</summary>
    private async Task<(Dictionary<string, KnownFile> Known, Dictionary<string, UnmatchedFile> Queued)> LoadKnownAsync(
        LibraryId library, string? folder, CancellationToken ct)
    {
        await Task.Yield(); // the walk goes on while this reads
        var known = new Dictionary<string, KnownFile>(StringComparer.Ordinal);
        // A path may also be kept by a missing file that another file replaced there (MoveMatcher): the existing one is the path's.
        await foreach (var file in store.KnownFilesAsync(library, folder, ct))
            if (file.Exists || !known.ContainsKey(file.Path)) known[file.Path] = file;
        var queued = (await store.UnresolvedAsync(library, folder, ct)).ToDictionary(u => u.Path, StringComparer.Ordinal);
        return (known, queued);
    }

    /// <summary>The parsed name of a new video file, or null, with what it is instead counted.</summary>
    private static ParsedName? IsMedia(StoredFile file, ParseHint hint, Counters counters)
    {
        var parsed = NameParser.Parse(file.Path, hint);
        if (parsed.IsPartial) counters.Partial++;
        else if (!parsed.IsVideo) counters.NotVideo++;
        else if (parsed.IsSample) counters.Samples++;
        else if (parsed.IsExtra) counters.Extras++;
        else return parsed;
        return null;
    }

    private void Failed(Scan scan, Counters counters, ScanProblem problem)
    {
        counters.Failed++;
        scan.Problem(problem);
        logger.LogWarning("Scan could not record {Path}: {Message}", problem.Path, problem.Message);
    }

    /// <summary>
    /// New files, a batch at a time: TMDB is asked about the whole batch at once, in the background, while the batch
    /// before it is decided file by file, in order, from the answers that came in meanwhile. <paramref name="drain"/>:
    /// every batch is decided before this returns (the walk's end, or its failure).
    /// </summary>
    private async Task IdentifyAsync(
        Scan scan, Library library, List<(StoredFile File, ParsedName Parsed)> fresh, Dictionary<string, UnmatchedFile> queued,
        Identifier identifier, MoveMatcher matcher, Counters counters, Func<Task> progress, CancellationToken ct, bool drain = true)
    {
        AskedBatch? next = null;
        if (fresh.Count > 0)
        {
            var clock1 = Stopwatch.GetTimestamp();
            var files = new List<(StoredFile File, ParsedName Parsed)>(fresh);
            fresh.Clear();
            // Known files at new paths leave the batch; files whose stored identity names a known title need no TMDB.
            var fromTags = await matcher.TakeAsync(files, identifier, ct);
            var asked = await identifier.PrefetchAsync(files.Where(f => !fromTags.ContainsKey(f.File.Path))
                .Where(f => !queued.TryGetValue(f.File.Path, out var q) || q.Status == UnmatchedStatus.Pending)
                .Select(f => (f.File.Path, f.Parsed)), ct);
            next = new AskedBatch(files, fromTags, asked);
            counters.Prefetch += Stopwatch.GetElapsedTime(clock1);
        }
        // Taken before it is decided: a batch is decided once, whatever happens while it is.
        var previous = _asked;
        _asked = next;
        if (previous is not null) await DecideAsync(previous);
        if (drain && _asked is { } last)
        {
            _asked = null;
            await DecideAsync(last);
        }

        async Task DecideAsync(AskedBatch batch)
        {
            var waited = Stopwatch.GetTimestamp();
            // While TMDB answers, the scan's progress is still written (a user watching it sees its counters move).
            while (!batch.Asked.IsCompleted)
            {
                await Task.WhenAny(batch.Asked, Task.Delay(HeartbeatEvery, clock, ct));
                await progress();
            }
            await batch.Asked;
            counters.Prefetch += Stopwatch.GetElapsedTime(waited);
            var clock2 = Stopwatch.GetTimestamp();
            var now = clock.GetUtcNow();
            foreach (var (file, parsed) in batch.Files)
            {
                await NewOrQueuedAsync(scan, library, file, parsed, queued, identifier, matcher, batch.FromTags.GetValueOrDefault(file.Path), counters, now, ct);
                await progress();
            }
            counters.Identify += Stopwatch.GetElapsedTime(clock2);
        }
    }

    /// <summary>A batch of new files whose TMDB questions are being asked until it is decided.</summary>
    private sealed record AskedBatch(List<(StoredFile File, ParsedName Parsed)> Files, Dictionary<string, Identification> FromTags, Task Asked);

    /// <summary>The batch asked about last, not decided yet (see <see cref="IdentifyAsync"/>).</summary>
    private AskedBatch? _asked;

    /// <summary>A video file the library does not know: matched again if it waits in the queue, else identified.</summary>
    private async Task NewOrQueuedAsync(
        Scan scan, Library library, StoredFile file, ParsedName parsed, Dictionary<string, UnmatchedFile> queued, Identifier identifier,
        MoveMatcher matcher, Identification? fromTag, Counters counters, DateTimeOffset now, CancellationToken ct)
    {
        if (queued.Remove(file.Path, out var entry))
        {
            if (entry.Status != UnmatchedStatus.Pending) return; // dismissed stays dismissed
            entry.Seen(file.Size);
            var again = fromTag ?? await identifier.IdentifyAsync(file.Path, parsed, ct);
            if (again.IsMatch && AddFile(scan, library, file, again, matcher, fromTag is not null, now) is { } matched)
            {
                entry.Match(matched, now);
                counters.Identified++;
                return;
            }
            if (again.Suggestions.Count > 0) entry.RefreshSuggestions(again.Suggestions);
            counters.Unmatched++;
            return;
        }
        var found = fromTag ?? await identifier.IdentifyAsync(file.Path, parsed, ct);
        if (found.IsMatch && AddFile(scan, library, file, found, matcher, fromTag is not null, now) is not null)
        {
            counters.Identified++;
            return;
        }
        store.Add(UnmatchedFile.Discover(library.Id, file.Path, file.Size, found.Suggestions, now));
        counters.Unmatched++;
    }

    private MediaFileId? AddFile(Scan scan, Library library, StoredFile file, Identification found, MoveMatcher matcher, bool fromTag, DateTimeOffset at)
    {
        // A file of several episodes is the file of each of them.
        var created = MediaFile.CreateForEpisodes(library, found.Item!, found.Episodes, file.Path, FileState.Verified(file.Size, at), at);
        if (created.IsFailure)
        {
            // It waits in the queue instead, with the reason on the scan.
            scan.Problem(new ScanProblem(file.Path, "not_recorded", $"Identified as {found.Item!.Title} but not recorded: {created.Error!.Message}"));
            return null;
        }
        // The file is stamped with its identity (xattr) and what its file system says of it (device, inode).
        matcher.Stamp(created.Value, found.Item!);
        store.Add(created.Value, ImportAttempt.Success(fromTag ? ImportMethod.Xattr : ImportMethod.Scan, created.Value.Id, file.Path, file.Path, at,
            note: fromTag ? "Identified by the identity stored in the file (xattr); no TMDB request." : null));
        _toProbe.Add(created.Value.Id);
        return created.Value.Id;
    }

    /// <summary>Files to probe whose rows were handed to a write beside the scan: asked for once that write is done.</summary>
    private List<MediaFileId> _toProbeWhenWritten = [];

    /// <summary>
    /// What was decided is written. <paramref name="behind"/>: the new files may be written beside the scan while it
    /// goes on (<see cref="IScanStore.FlushBehindAsync"/>); the scan's end writes everything.
    /// </summary>
    private async Task WriteAsync(Scan scan, Counters counters, List<(MediaFileId, long)> verified, DateTimeOffset at, CancellationToken ct, bool behind = false)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // New files first: a queue entry matched to one of them is saved with any save that follows, the state
            // changes' too (on PostgreSQL the new files go in apart from the unit of work that tracks the entry).
            foreach (var problem in await (behind ? store.FlushBehindAsync(ct) : store.FlushAsync(ct))) Failed(scan, counters, problem);
            if (verified.Count > 0) await store.VerifyAsync(verified, at, ct);
            verified.Clear();
            // A probe is asked for a stored file: those of a batch written beside are asked for after its write.
            var stored = _toProbeWhenWritten;
            if (behind) _toProbeWhenWritten = [.. _toProbe];
            else
            {
                stored.AddRange(_toProbe);
                _toProbeWhenWritten = [];
            }
            _toProbe.Clear();
            if (stored.Count > 0 && probes is not null) await probes.RequestAsync(stored, at, ct);
        }
        finally
        {
            counters.Writes += Stopwatch.GetElapsedTime(started);
        }
    }

    private void Report(Scan scan, Counters c)
    {
        scan.Progress(c.Seen, c.Identified, c.Unmatched, c.Missing, clock.GetUtcNow());
        var folder = c.Folder is { } path && path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : null;
        scan.Tally(c.Walked, c.Failed, new ScanSkips(c.SystemFolders, c.ExtrasFolders, c.Unreadable, c.NotVideo, c.Samples, c.Extras, c.Partial), folder);
    }

    private static bool Under(string path, List<string> folders) =>
        folders.Exists(f => f.Length == 0 || path.StartsWith(f + "/", StringComparison.Ordinal) || path == f);

    private sealed class Counters
    {
        public TimeSpan Load;
        public TimeSpan Walk;
        public TimeSpan Prefetch;
        public TimeSpan Identify;
        public TimeSpan Writes;
        public TimeSpan Moves;
        public string? Folder;
        public int Walked;
        public int Failed;
        public int SystemFolders;
        public int ExtrasFolders;
        public int Unreadable;
        public int NotVideo;
        public int Samples;
        public int Extras;
        public int Partial;
        public int Seen;
        public int Identified;
        public int Unmatched;
        public int Missing;
    }
}
