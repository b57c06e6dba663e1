using Media.Application.Libraries;
using Media.Application.Parsing;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.Scans;
using Microsoft.Extensions.Logging;

namespace Media.Application.Scanning;

/// <summary>
/// The scan's move recognition, on storages whose files have an identity (local disks). A new path is a known file
/// moved there when the file carries that media file's id (xattr), or has its device, inode, size and last change (an
/// untagged file: the inode number alone is reused by file systems), and that known file is no longer at its old
/// path: not yet seen by this walk and gone from the disk when looked at (decided at once), unseen by the whole walk,
/// already missing, or (outside this walk: another folder, another library of the same kind) gone when looked at.
/// Moves are written a chunk at a time while the walk goes on (<see cref="IFileMoveStore.MoveAsync"/> has a unit of
/// work of its own): thousands of moves cost the walk little more than looking at the files. A known path whose file
/// is not the known one (another id stored in it, or none where one was stored, or another inode) gives the path up to
/// the new file. Everything else is left to identification, which may answer from the identity stored in the file
/// (<see cref="Identifier.FromTagAsync"/>): no TMDB request.
/// </summary>
public sealed class MoveMatcher
{
    private readonly IFileIdentityStore? _disk;
    private readonly ILibraryStorage _storage;
    private readonly IFileMoveStore? _store;
    private readonly Library _library;
    private readonly ILibraryRepository _libraries;
    private readonly ILibraryStorageFactory _storages;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    /// <summary>The known files as the walk began.</summary>
    private readonly KnownFile[] _files = [];
    /// <summary>Positions in <see cref="_files"/> in the order of their ids, and of their inodes (see <see cref="Index"/>).</summary>
    private int[]? _byId, _byInode;
    private readonly Dictionary<string, FileProbe> _probes = new(StringComparer.Ordinal);
    private readonly List<Deferred> _deferred = [];
    private readonly List<FileMove> _moves = [];
    private readonly HashSet<MediaFileId> _claimed = [];
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);
    private readonly List<(MediaFileId, FileProbe)> _seen = [];
    private readonly Dictionary<LibraryId, (Library? Library, bool Available)> _others = [];
    private readonly Dictionary<string, KnownFile> _unseen;
    private readonly List<ScanProblem> _problems = [];
    private readonly List<Task<(int Moved, IReadOnlyList<ScanProblem> Problems, TimeSpan Took)>> _writing = [];
    private TimeSpan _writeTime;

    /// <summary>Moves written together, while the walk goes on.</summary>
    public const int WriteChunk = 500;

    /// <param name="known">The walk's known files by path, still unseen (the scan's own dictionary: the walk takes out what it sees, this what moved).</param>
    public MoveMatcher(
        Dictionary<string, KnownFile> known, ILibraryStorage storage, IFileMoveStore? store, Library library, ILibraryRepository libraries,
        ILibraryStorageFactory storages, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(known);
        (_unseen, _storage, _store, _library, _libraries, _storages, _clock, _logger) = (known, storage, store, library, libraries, storages, clock, logger);
        // Without the store nothing can be moved or given up: the scan is as it was before files had an identity.
        _disk = store is null ? null : storage as IFileIdentityStore;
        if (_disk is null) return;
        _files = [.. known.Values];
    }

    /// <summary>Lookups answered by reading the known files through before they are indexed.</summary>
    private const int LookupsBeforeIndex = 64;

    private int _lookups;

    /// <summary>
    /// Whether the known files are indexed by id and by inode, which they are once new files were looked at more than a
    /// few times; until then a lookup reads the known files through (a re-scan that finds no new file needs no index).
    /// </summary>
    private bool Indexed()
    {
        if (_byId is not null) return true;
        if (++_lookups <= LookupsBeforeIndex) return false;
        Index();
        return true;
    }

    /// <summary>
    /// Positions sorted by id and by inode, searched by halving: 8 bytes a known file. A re-scan's files waiting in the
    /// queue are looked at every time, and dictionaries of the known files (a list for each inode) were 10 MB of a
    /// 40,000-file re-scan's peak memory. Files sharing an inode (hardlinks) stay in the walk's order.
    /// </summary>
    private void Index()
    {
        var files = _files;
        var byId = Enumerable.Range(0, files.Length).ToArray();
        Array.Sort(byId, (a, b) => files[a].Id.Value.CompareTo(files[b].Id.Value));
        var byInode = Enumerable.Range(0, files.Length).Where(i => files[i].Inode is not null).ToArray();
        Array.Sort(byInode, (a, b) => CompareInode(files[a].Inode!.Value, files[a].Device, files[b]) is var order and not 0 ? order : a.CompareTo(b));
        (_byId, _byInode) = (byId, byInode);
    }

    /// <summary>The known file order by inode compares by: inode, then device.</summary>
    private static int CompareInode(long inode, long? device, KnownFile other) =>
        inode != other.Inode!.Value ? inode.CompareTo(other.Inode.Value) : Nullable.Compare(device, other.Device);

    private KnownFile? ById(MediaFileId id)
    {
        if (!Indexed()) return Array.Find(_files, k => k.Id == id);
        var (low, high) = (0, _byId!.Length - 1);
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var file = _files[_byId[middle]];
            var order = file.Id.Value.CompareTo(id.Value);
            if (order == 0) return file;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return null;
    }

    private IEnumerable<KnownFile> ByInode(long device, long inode)
    {
        if (!Indexed()) return _files.Where(k => k.Device == device && k.Inode == inode);
        // The first position not before (inode, device), then every one equal to it.
        var (low, high) = (0, _byInode!.Length);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (CompareInode(inode, device, _files[_byInode[middle]]) > 0) low = middle + 1;
            else high = middle;
        }
        var same = new List<KnownFile>();
        for (var i = low; i < _byInode.Length && _files[_byInode[i]] is var file && file.Inode == inode && file.Device == device; i++) same.Add(file);
        return same;
    }

    /// <summary>Known files recognised at a new path by this scan.</summary>
    public int Moved { get; private set; }

    /// <summary>Known paths found holding another file.</summary>
    public int Replaced { get; private set; }

    /// <summary>A new media file of this scan: stamped with its identity (xattr) and what its file system says of it.</summary>
    public void Stamp(MediaFile file, Domain.MediaItems.MediaItem item)
    {
        ArgumentNullException.ThrowIfNull(file);
        IdentityTags.Stamp(_storage, file, item, _probes.Remove(file.Path, out var probe) ? probe : null);
    }

    /// <summary>
    /// Whether the file at a known path is the known file. Only a file whose size or last change differs from what was
    /// stored (or that was missing, or never probed) is looked at: an unchanged library costs no system call here.
    /// When it is another file, the known one gives the path up (and may still be found elsewhere in this walk).
    /// </summary>
    public async Task<bool> IsSameFileAsync(KnownFile existing, StoredFile file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(file);
        if (_disk is null) return true;
        if (existing.Exists && existing.Size == file.Size && existing.Inode is not null && existing.ModifiedAt == FileState.Microseconds(file.ModifiedAt))
            return true;
        if (_disk.Probe(file.Path) is not { } probe) return true;
        var same = probe.Tag is { } tag ? tag.File == existing.Id
            : existing.Tagged != true && (existing.Inode is null || (existing.Device == probe.Device && existing.Inode == probe.Inode));
        if (same)
        {
            _seen.Add((existing.Id, probe));
            return true;
        }
        _probes[file.Path] = probe;
        await _store!.ReplacedAsync(existing.Id, _clock.GetUtcNow(), ct);
        Replaced++;
        _logger.LogInformation("{Path} holds another file than media file {File} (stored identity {Tag}, inode {Inode} was {Known}): taken as a new file",
            file.Path, existing.Id.Value, probe.Tag?.File.Value, probe.Inode, existing.Inode);
        return false;
    }

    /// <summary>
    /// Of a batch of new files: takes out those that may be known files at a new path (the ones outside this walk, and
    /// the ones of this walk whose old path is gone from the disk, are decided now; the rest after the walk:
    /// <see cref="SettleAsync"/>), and answers the identification of the rest whose stored identity names a title the
    /// library knows.
    /// </summary>
    public async Task<Dictionary<string, Identification>> TakeAsync(
        List<(StoredFile File, ParsedName Parsed)> fresh, Identifier identifier, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        ArgumentNullException.ThrowIfNull(identifier);
        var fromTags = new Dictionary<string, Identification>(StringComparer.Ordinal);
        if (_disk is null) return fromTags;
        var keep = new List<(StoredFile File, ParsedName Parsed)>(fresh.Count);
        var outside = new List<(StoredFile File, FileProbe Probe)>();
        foreach (var (file, parsed) in fresh)
        {
            keep.Add((file, parsed));
            if (_settled.Contains(file.Path)) continue;
            if (!_probes.TryGetValue(file.Path, out var probe))
            {
                if (_disk.Probe(file.Path) is not { } read) continue;
                _probes[file.Path] = probe = read;
            }
            if (InWalk(probe) is { } candidate)
            {
                keep.RemoveAt(keep.Count - 1);
                if (GoneBeforeSeen(candidate.File))
                    _moves.Add(new FileMove(candidate.File.Id, _library, candidate.File.Path, file.Path, probe, candidate.How, null));
                else _deferred.Add(new Deferred(file, parsed, probe, candidate.File, candidate.How));
            }
            else outside.Add((file, probe));
        }

        if (outside.Count > 0)
        {
            var moved = await OutsideAsync(outside, ct);
            keep.RemoveAll(k => moved.Contains(k.File.Path));
        }
        fresh.Clear();
        fresh.AddRange(keep);
        if (_moves.Count >= WriteChunk) WriteBeside(ct);

        foreach (var (file, _) in fresh)
            if (_probes.TryGetValue(file.Path, out var probe) && probe.Tag is { } tag && await identifier.FromTagAsync(tag, ct) is { } found)
                fromTags[file.Path] = found;
        return fromTags;
    }

    /// <summary>
    /// After a complete walk: a file waiting on a known file of this walk is that file moved when the walk did not see
    /// it at its path (or it was missing already); then every move is recorded. The rest goes back to identification.
    /// </summary>
    public async Task<(List<(StoredFile File, ParsedName Parsed)> Left, IReadOnlyList<ScanProblem> Problems)> SettleAsync(
        Dictionary<string, KnownFile> unseen, Func<string, bool> unread, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(unseen);
        ArgumentNullException.ThrowIfNull(unread);
        var left = new List<(StoredFile, ParsedName)>();
        if (_disk is null) return (left, []);
        foreach (var waiting in _deferred)
        {
            var known = waiting.Candidate;
            var gone = unseen.TryGetValue(known.Path, out var still) && still.Id == known.Id && !unread(known.Path);
            if (gone && _claimed.Add(known.Id))
            {
                unseen.Remove(known.Path);
                _moves.Add(new FileMove(known.Id, _library, known.Path, waiting.File.Path, waiting.Probe, waiting.How, null));
            }
            else
            {
                // Still at its path: a copy or a hardlink of it, a file of its own.
                _settled.Add(waiting.File.Path);
                left.Add((waiting.File, waiting.Parsed));
            }
        }
        _deferred.Clear();
        WriteBeside(ct);
        await CollectAsync();
        if (Moved > 0 || _problems.Count > 0)
            _logger.LogInformation("Scan of library {Library}: {Moved} known files recognised at new paths (writes took {Seconds:F2} s, beside the walk)",
                _library.Id.Value, Moved, _writeTime.TotalSeconds);
        if (_seen.Count > 0) await _store!.RecordDiskAsync(_seen, ct);
        _seen.Clear();
        return (left, TakeProblems());
    }

    /// <summary>
    /// Moves decided while a walk broke off: written (the files are at their new paths whatever the rest of the walk
    /// would have said); a write still running is waited for.
    /// </summary>
    public async Task<IReadOnlyList<ScanProblem>> FlushAsync(CancellationToken ct)
    {
        if (_disk is null) return [];
        WriteBeside(ct);
        await CollectAsync();
        return TakeProblems();
    }

    private List<ScanProblem> TakeProblems()
    {
        var problems = _problems.ToList();
        _problems.Clear();
        return problems;
    }

    /// <summary>When a scan ends in any way: writes still running are let finish (a failure of theirs was the scan's, already reported).</summary>
    public async Task StopAsync()
    {
        var writing = _writing.ToList();
        _writing.Clear();
        foreach (var write in writing)
        {
            try
            {
                await write;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Moves of library {Library} written beside a scan that ended could not all be written", _library.Id.Value);
            }
        }
    }

    /// <summary>
    /// A known file of this walk that the walk has not seen yet, and that is gone from its path when looked at: moved.
    /// It leaves the walk's unseen files at once (never to be marked missing, nor taken for a file the walk sees there later).
    /// </summary>
    private bool GoneBeforeSeen(KnownFile known)
    {
        if (_claimed.Contains(known.Id) || !_unseen.TryGetValue(known.Path, out var still) || still.Id != known.Id) return false;
        if (!_disk!.Gone(known.Path)) return false;
        _unseen.Remove(known.Path);
        _claimed.Add(known.Id);
        return true;
    }

    /// <summary>
    /// The moves decided so far go to the store beside the walk, which does not wait for them: a chunk is written after
    /// the one before it (one write at a time, in the order decided).
    /// </summary>
    private void WriteBeside(CancellationToken ct)
    {
        if (_moves.Count == 0) return;
        var chunk = _moves.ToList();
        _moves.Clear();
        _writing.Add(WriteAfterAsync(_writing.Count > 0 ? _writing[^1] : Task.CompletedTask, chunk, ct));
    }

    private async Task<(int Moved, IReadOnlyList<ScanProblem> Problems, TimeSpan Took)> WriteAfterAsync(Task before, List<FileMove> chunk, CancellationToken ct)
    {
        await Task.Yield(); // the walk goes on while this writes
        try
        {
            await before;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The chunk before failed as a whole (its task reports why): this one is still written.
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var problems = await _store!.MoveAsync(chunk, _clock.GetUtcNow(), ct);
        return (chunk.Count - problems.Count, problems, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Waits for the writes beside the walk and counts what they wrote; the first that failed as a whole fails the scan.</summary>
    private async Task CollectAsync()
    {
        try
        {
            foreach (var write in _writing)
            {
                var (moved, problems, took) = await write;
                Moved += moved;
                _problems.AddRange(problems);
                _writeTime += took;
            }
        }
        finally
        {
            // What is left running after a failure is waited for by StopAsync.
            _writing.RemoveAll(w => w.IsCompletedSuccessfully);
        }
    }

    /// <summary>A known file of this walk the probed file may be: by the id stored in it, else by device, inode, size and last change.</summary>
    private (KnownFile File, MoveEvidence How)? InWalk(FileProbe probe)
    {
        if (probe.Tag is { } tag) return ById(tag.File) is { } tagged ? (tagged, MoveEvidence.Xattr) : null;
        var same = ByInode(probe.Device, probe.Inode);
        // A known file that carried Media's identity cannot be this untagged one: xattrs belong to the inode, which was reused.
        var match = same.FirstOrDefault(k => k.Size == probe.Size && k.Tagged != true && (k.ModifiedAt is null || k.ModifiedAt == FileState.Microseconds(probe.ModifiedAt)));
        return match is null ? null : (match, MoveEvidence.Inode);
    }

    private bool OfThisWalk(MediaFileId id) => ById(id) is not null;

    /// <summary>New files that may be known files outside this walk: moved now when that file is gone from its path. Answers the paths moved.</summary>
    private async Task<HashSet<string>> OutsideAsync(List<(StoredFile File, FileProbe Probe)> files, CancellationToken ct)
    {
        var moved = new HashSet<string>(StringComparer.Ordinal);
        var ids = files.Where(f => f.Probe.Tag is not null).Select(f => f.Probe.Tag!.File).Distinct().ToList();
        var inodes = files.Where(f => f.Probe.Tag is null).Select(f => f.Probe.Inode).Distinct().ToList();
        var candidates = (await _store!.CandidatesAsync(ids, inodes, ct)).Where(c => !OfThisWalk(c.Id)).ToList();
        if (candidates.Count == 0) return moved;
        var byId = candidates.ToDictionary(c => c.Id);
        foreach (var (file, probe) in files)
        {
            MoveCandidate? candidate;
            MoveEvidence how;
            if (probe.Tag is { } tag) (candidate, how) = (byId.GetValueOrDefault(tag.File), MoveEvidence.Xattr);
            else
            {
                candidate = candidates.FirstOrDefault(c => c.Device == probe.Device && c.Inode == probe.Inode && c.Size == probe.Size && c.Tagged != true
                    && (c.ModifiedAt is null || c.ModifiedAt == FileState.Microseconds(probe.ModifiedAt)));
                how = MoveEvidence.Inode;
            }
            if (candidate is null || _claimed.Contains(candidate.Id)) continue;
            if (await GoneAsync(candidate, ct) is not { } from || !_claimed.Add(candidate.Id)) continue;
            var note = from.Id == _library.Id ? null : $"Moved from the library '{from.Name}'.";
            _moves.Add(new FileMove(candidate.Id, _library, candidate.Path, file.Path, probe, how, note));
            moved.Add(file.Path);
        }
        return moved;
    }

    /// <summary>The candidate's library when the candidate is no longer at its path there (and its kind is this library's); else null.</summary>
    private async Task<Library?> GoneAsync(MoveCandidate candidate, CancellationToken ct)
    {
        if (!_others.TryGetValue(candidate.LibraryId, out var other))
        {
            var library = candidate.LibraryId == _library.Id ? _library : await _libraries.FindAsync(candidate.LibraryId, ct);
            var available = library is not null && await _storages.For(library.Storage).UnavailableReasonAsync(ct) is null;
            _others[candidate.LibraryId] = other = (library, available);
        }
        if (other.Library is not { } from || from.Kind != _library.Kind) return null;
        if (!candidate.Exists) return from;
        // It is known to exist: it is gone only if its storage, readable now, has nothing at its path.
        if (!other.Available) return null;
        return await _storages.For(from.Storage).StatAsync(candidate.Path, ct) is null ? from : null;
    }

    private sealed record Deferred(StoredFile File, ParsedName Parsed, FileProbe Probe, KnownFile Candidate, MoveEvidence How);
}
