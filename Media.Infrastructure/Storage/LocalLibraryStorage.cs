using System.IO.Enumeration;
using System.Threading.Channels;
using System.Runtime.CompilerServices;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Libraries;

namespace Media.Infrastructure.Storage;

internal sealed class LocalLibraryStorageFactory : ILibraryStorageFactory
{
    public ILibraryStorage For(StorageLocation location) => location.Provider == StorageLocation.LocalProvider
        ? new LocalLibraryStorage(location.Root)
        : throw new NotSupportedException($"Storage provider '{location.Provider}' is not supported.");
}

/// <summary>
/// A library on a local (or mounted) filesystem. Links are followed only when they resolve inside the root;
/// loops, broken links, unreadable folders and names that cannot round-trip are reported and skipped.
/// </summary>
internal sealed class LocalLibraryStorage(string root) : ILibraryStorage, IFileIdentityStore
{
    public FileProbe? Probe(string path) => FileIdentity.Probe(Path.Combine(root, path));

    public bool Gone(string path) => FileIdentity.Absent(Path.Combine(root, path)) && FileIdentity.NodeOf(root) is not null;

    public string? Write(string path, IdentityTag tag) => FileIdentity.Write(Path.Combine(root, path), tag);

    // Linux PATH_MAX; longer paths cannot be opened again by name.
    private const int MaxPathLength = 4096;

    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false,
    };

    public Task<string?> UnavailableReasonAsync(CancellationToken ct)
    {
        try
        {
            if (!Directory.Exists(root)) return Task.FromResult<string?>($"The library root '{root}' does not exist or is not a folder.");
            using var entries = Directory.EnumerateFileSystemEntries(root).GetEnumerator();
            entries.MoveNext();
            return Task.FromResult<string?>(null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult<string?>($"The library root '{root}' cannot be read: {e.Message}");
        }
    }

    public async IAsyncEnumerable<StoredFile> WalkAsync(
        string? folder, Func<string, bool> skipFolder, Action<WalkProblem> onProblem, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        var realRoot = RealPath(root) ?? throw new StorageUnavailableException($"The library root '{root}' does not exist.");
        var start = folder is null ? "" : RelativePath.Normalize(folder).Value;
        var startPath = start.Length == 0 ? root : Path.Combine(root, start);
        if (!Directory.Exists(startPath))
        {
            if (!Directory.Exists(root)) throw new StorageUnavailableException($"The library root '{root}' does not exist.");
            yield break; // the folder is gone: nothing under it is seen
        }

        var startReal = RealPath(startPath) ?? startPath;
        if (!IsInside(startReal, realRoot))
        {
            // The folder asked for is (or passes through) a link that leads out of the library.
            onProblem(new WalkProblem(start, WalkProblemKind.LinkOutsideRoot, "The folder leads outside the library root; it is not walked."));
            yield break;
        }
        // Folders reached by plain folders from the start are each reached once: only a link can lead to one again (a
        // loop, or a second path to it), and a link whose target is under the start is not followed (its folder is walked,
        // or skipped, at its own path). Folders reached through links are remembered by their real path.
        var walk = new Walk(realRoot, startReal, skipFolder);
        await foreach (var item in ItemsAsync(walk, new Folder(startPath, start, startReal, ViaLink: false), ct))
        {
            if (item.Problem is { } problem) onProblem(problem);
            else yield return item.File!;
        }
    }

    /// <summary>
    /// The start folder, then its folders. Many folders (a movies root of 40,000 title folders): the later half is walked
    /// on a second thread, ahead, while this one walks the first half; what it found comes after, in the order one walker
    /// would have found it.
    /// </summary>
    private async IAsyncEnumerable<Item> ItemsAsync(Walk walk, Folder start, [EnumeratorCancellation] CancellationToken ct)
    {
        var pending = new Stack<(Folder Parent, string? Name)>();
        foreach (var item in walk.List(start, pending, isStart: true, root)) yield return item;
        if (pending.Count < SplitAt)
        {
            foreach (var item in walk.Subtrees(pending, ct)) yield return item;
            yield break;
        }

        var all = pending.ToArray(); // the next to walk first
        var first = new Stack<(Folder Parent, string? Name)>(all[..(all.Length / 2)].Reverse());
        var later = new Stack<(Folder Parent, string? Name)>(all[(all.Length / 2)..].Reverse());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var found = Channel.CreateBounded<List<Item>>(new BoundedChannelOptions(AheadChunks) { SingleReader = true, SingleWriter = true });
        var ahead = Task.Run(() => AheadAsync(walk, later, found.Writer, stop.Token), CancellationToken.None);
        try
        {
            foreach (var item in walk.Subtrees(first, ct)) yield return item;
            await foreach (var chunk in found.Reader.ReadAllAsync(ct))
                foreach (var item in chunk) yield return item;
            await ahead;
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await ahead;
            }
            catch (Exception)
            {
                // Stopped with the walk (or failed, which the reading above has thrown already).
            }
        }
    }

    /// <summary>A root with at least this many folders is walked by two threads (internal: tests walk with one).</summary>
    internal static int SplitAt { get; set; } = 64;

    private const int AheadChunk = 256;
    private const int AheadChunks = 128; // at most 32,768 entries found ahead wait in memory

    private static async Task AheadAsync(Walk walk, Stack<(Folder Parent, string? Name)> pending, ChannelWriter<List<Item>> found, CancellationToken ct)
    {
        try
        {
            var chunk = new List<Item>(AheadChunk);
            foreach (var item in walk.Subtrees(pending, ct))
            {
                chunk.Add(item);
                if (chunk.Count < AheadChunk) continue;
                await found.WriteAsync(chunk, ct);
                chunk = new List<Item>(AheadChunk);
            }
            if (chunk.Count > 0) await found.WriteAsync(chunk, ct);
            found.Complete();
        }
        catch (Exception e)
        {
            found.Complete(e);
            throw;
        }
    }

    /// <summary>A file found, or a problem met, in the order the walk met them.</summary>
    private readonly record struct Item(StoredFile? File, WalkProblem? Problem);

    /// <summary>
    /// What a walk shares between its threads: the folders reached through links, and the caller's decision to skip a
    /// folder (asked one at a time: the caller counts them).
    /// </summary>
    private sealed class Walk(string realRoot, string startReal, Func<string, bool> skipFolder)
    {
        private readonly string _startUnder = startReal.EndsWith('/') ? startReal : startReal + "/";
        private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        private bool Skip(string path)
        {
            lock (_lock) return skipFolder(path);
        }

        private bool Visit(string real)
        {
            lock (_lock) return _visited.Add(real);
        }

        /// <summary>The folders waiting, each walked whole (depth first) before the next.</summary>
        public IEnumerable<Item> Subtrees(Stack<(Folder Parent, string? Name)> pending, CancellationToken ct)
        {
            while (pending.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                // A waiting folder is its parent and its name: its paths are made when it is walked (a root of 40,000 title
                // folders waits as 40,000 names, not as 120,000 paths).
                var (parent, name) = pending.Pop();
                foreach (var item in List(name is null ? parent : parent.Child(name), pending, isStart: false, null)) yield return item;
            }
        }

        /// <summary>One folder: its files and problems, and its folders pushed to walk.</summary>
        public IEnumerable<Item> List(Folder current, Stack<(Folder Parent, string? Name)> pending, bool isStart, string? root)
        {
            var (directory, relative, real) = (current.Full, current.Relative, current.Real);
            List<Entry> entries;
            WalkProblem? unreadable = null;
            try
            {
                // One readdir and, for a file, one stat (its size and time): no FileSystemInfo, no second stat.
                entries = [.. new FileSystemEnumerable<Entry>(directory, static (ref FileSystemEntry e) => new Entry(
                    e.FileName.ToString(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0,
                    e.IsDirectory ? 0 : e.Length, e.IsDirectory ? default : e.LastWriteTimeUtc), OneLevel)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (isStart) throw new StorageUnavailableException($"The library root '{root}' cannot be read: {e.Message}", e);
                entries = [];
                unreadable = new WalkProblem(relative, WalkProblemKind.Unreadable, e.Message);
            }
            if (unreadable is not null) yield return new Item(null, unreadable);

            foreach (var entry in entries)
            {
                var path = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
                if (entry.Name.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    yield return new Item(null, new WalkProblem(path, WalkProblemKind.BadName, "The name is not valid UTF-8; rename it to include it."));
                    continue;
                }
                if (directory.TrimEnd('/').Length + 1 + entry.Name.Length > MaxPathLength)
                {
                    yield return new Item(null, new WalkProblem(path, WalkProblemKind.PathTooLong, $"The path is longer than {MaxPathLength} characters."));
                    continue;
                }

                if (entry.IsLink)
                {
                    // Rare: a link is resolved, and followed only inside the root.
                    var fullName = $"{directory.TrimEnd('/')}/{entry.Name}";
                    FileSystemInfo link = entry.IsDirectory ? new DirectoryInfo(fullName) : new FileInfo(fullName);
                    var resolved = ResolveLink(link, path, realRoot, out var linkProblem);
                    if (linkProblem is not null) yield return new Item(null, linkProblem);
                    if (resolved is DirectoryInfo)
                    {
                        if (Skip(path)) continue;
                        var linkedReal = RealPath(resolved.FullName) ?? resolved.FullName;
                        if (linkedReal == startReal || linkedReal.StartsWith(_startUnder, StringComparison.Ordinal) || !Visit(linkedReal))
                        {
                            yield return new Item(null, new WalkProblem(path, WalkProblemKind.LinkLoop, "The link leads to a folder this walk reaches at its own path."));
                            continue;
                        }
                        pending.Push((new Folder(fullName, path, linkedReal, ViaLink: true), null));
                    }
                    else if (resolved is FileInfo target)
                    {
                        Item linked;
                        try
                        {
                            linked = new Item(new StoredFile(path, target.Length, new DateTimeOffset(target.LastWriteTimeUtc, TimeSpan.Zero)), null);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            linked = new Item(null, new WalkProblem(path, WalkProblemKind.Unreadable, e.Message));
                        }
                        yield return linked;
                    }
                    continue;
                }

                if (entry.IsDirectory)
                {
                    if (Skip(path)) continue;
                    // Under a link the real path is remembered: another link may lead here again.
                    if (current.ViaLink && !Visit($"{real.TrimEnd('/')}/{entry.Name}")) continue;
                    pending.Push((current, entry.Name));
                }
                else
                {
                    yield return new Item(new StoredFile(path, entry.Length, entry.Modified), null);
                }
            }
        }
    }

    /// <summary>A folder of the walk: its full, library-relative and real paths, and whether a link led to it.</summary>
    private sealed record Folder(string Full, string Relative, string Real, bool ViaLink)
    {
        public Folder Child(string name) => new(
            $"{Full.TrimEnd('/')}/{name}", Relative.Length == 0 ? name : $"{Relative}/{name}", $"{Real.TrimEnd('/')}/{name}", ViaLink);
    }

    /// <summary>What the walk needs of a directory entry, read in the enumeration itself.</summary>
    private readonly record struct Entry(string Name, bool IsDirectory, bool IsLink, long Length, DateTimeOffset Modified);

    public Task<StoredFile?> StatAsync(string path, CancellationToken ct)
    {
        var relative = RelativePath.Normalize(path);
        if (relative.IsFailure) return Task.FromResult<StoredFile?>(null);
        var full = Path.Combine(root, relative.Value);
        var file = new FileInfo(full);
        if (!file.Exists)
        {
            // No file, or no root at all: an unmounted share is not a gone file.
            if (!Directory.Exists(root)) throw new StorageUnavailableException($"The library root '{root}' cannot be read: it does not exist (not mounted?).");
            return Task.FromResult<StoredFile?>(null);
        }
        // No link, of the file or of a folder on its way, may lead out of the library: then, for the library, there is no file here.
        if (RealPath(full) is not { } real || !IsInside(real, RealPath(root) ?? root))
            return Task.FromResult<StoredFile?>(null);
        return Task.FromResult<StoredFile?>(new StoredFile(relative.Value, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)));
    }

    private static FileSystemInfo? ResolveLink(FileSystemInfo link, string path, string realRoot, out WalkProblem? problem)
    {
        problem = null;
        FileSystemInfo? target;
        try
        {
            target = link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException e)
        {
            problem = new WalkProblem(path, WalkProblemKind.LinkLoop, e.Message);
            return null;
        }
        if (target is null || !target.Exists)
        {
            problem = new WalkProblem(path, WalkProblemKind.BrokenLink, "The link leads nowhere.");
            return null;
        }
        if (!IsInside(RealPath(target.FullName) ?? target.FullName, realRoot))
        {
            problem = new WalkProblem(path, WalkProblemKind.LinkOutsideRoot, "The link leads outside the library root; it is not followed.");
            return null;
        }
        return target;
    }

    private static bool IsInside(string path, string realRoot) =>
        path == realRoot || path.StartsWith(realRoot.EndsWith('/') ? realRoot : realRoot + "/", StringComparison.Ordinal);

    // The canonical path with every link resolved, like realpath(3); null when it does not exist.
    private static string? RealPath(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var current = "/";
            foreach (var part in parts)
            {
                var next = Path.Combine(current, part);
                var info = new FileInfo(next);
                FileSystemInfo probe = info.Exists ? info : new DirectoryInfo(next);
                if (!probe.Exists) return null;
                if (probe.LinkTarget is not null)
                {
                    var resolved = probe.ResolveLinkTarget(returnFinalTarget: true);
                    if (resolved is null || !resolved.Exists) return null;
                    next = RealPath(resolved.FullName);
                    if (next is null) return null;
                }
                current = next;
            }
            return current;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
