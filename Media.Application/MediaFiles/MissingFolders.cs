using Ardalis.Specification;
using Media.Application.Common;
using Media.Application.Scanning;
using Media.Domain.Common;
using Media.Domain.Scans;

namespace Media.Application.MediaFiles;

/// <summary>
/// A folder whose files went missing together: <c>Folder</c> is the highest folder under which nothing is left
/// (library-relative, "" for the root), so an unmounted disk is one group. <c>MissingSince</c> is when the first of
/// them was found missing and <c>ScanId</c> the scan that found it; <c>LastSeenAt</c> the scan before that one.
/// </summary>
public sealed record MissingFolderDto(
    Guid LibraryId, string Folder, int Files, DateTimeOffset MissingSince, Guid? ScanId, DateTimeOffset? LastSeenAt);

public static class MissingFolders
{
    /// <summary>Groups missing files by the highest folder of theirs that holds no file that still exists.</summary>
    public static IReadOnlyList<(LibraryId Library, string Folder, int Files, DateTimeOffset MissingSince)> Group(
        IEnumerable<FileLocation> missing, IReadOnlySet<(LibraryId, string)> foldersWithFiles)
    {
        var groups = new Dictionary<(LibraryId, string), (int Files, DateTimeOffset Since)>();
        foreach (var file in missing)
        {
            var folder = FolderOf(file.Path);
            var group = folder;
            // From the top down: the first ancestor that nothing present lives under is the group.
            foreach (var ancestor in Ancestors(folder))
            {
                if (foldersWithFiles.Contains((file.Library, ancestor))) continue;
                group = ancestor;
                break;
            }
            var key = (file.Library, group);
            groups[key] = groups.TryGetValue(key, out var g)
                ? (g.Files + 1, g.Since < file.LastVerifiedAt ? g.Since : file.LastVerifiedAt)
                : (1, file.LastVerifiedAt);
        }
        return groups.Select(g => (g.Key.Item1, g.Key.Item2, g.Value.Files, g.Value.Since))
            .OrderBy(g => g.Item2, StringComparer.Ordinal).ThenBy(g => g.Item1.Value).ToList();
    }

    /// <summary>Every folder on the way to a file that exists, the root ("") included.</summary>
    public static void AddFoldersOf(HashSet<(LibraryId, string)> folders, FileLocation present)
    {
        var folder = FolderOf(present.Path);
        while (folders.Add((present.Library, folder)) && folder.Length > 0) folder = FolderOf(folder);
    }

    public static string FolderOf(string path) => path.LastIndexOf('/') is var i and > 0 ? path[..i] : "";

    /// <summary>"a/b/c" gives "a", "a/b", "a/b/c"; the root is never a group (an emptied root fails the scan).</summary>
    private static IEnumerable<string> Ancestors(string folder)
    {
        if (folder.Length == 0) yield break;
        for (var i = folder.IndexOf('/'); i > 0; i = folder.IndexOf('/', i + 1)) yield return folder[..i];
        yield return folder;
    }
}

public sealed record ListMissingFolders(LibraryId? Library, PageRequest Page);

public sealed class ListMissingFoldersHandler(IMediaFileRepository files, IScanRepository scans)
{
    public async Task<PagedList<MissingFolderDto>> Handle(ListMissingFolders query, CancellationToken ct)
    {
        var missing = new List<FileLocation>();
        await foreach (var f in files.LocationsAsync(query.Library, exists: false, ct)) missing.Add(f);
        var present = new HashSet<(LibraryId, string)>();
        if (missing.Count > 0)
            await foreach (var f in files.LocationsAsync(query.Library, exists: true, ct)) MissingFolders.AddFoldersOf(present, f);

        var groups = MissingFolders.Group(missing, present);
        var page = groups.Skip(query.Page.Skip).Take(query.Page.PageSize).ToList();
        var history = new Dictionary<LibraryId, IReadOnlyList<Scan>>();
        var items = new List<MissingFolderDto>();
        foreach (var g in page)
        {
            if (!history.TryGetValue(g.Library, out var ofLibrary))
                history[g.Library] = ofLibrary = await scans.ListAsync(new RecentScans(g.Library), ct);
            // The scan that marked a file missing ran while its state was written; the one before last saw it.
            var found = ofLibrary.FirstOrDefault(s => s.StartedAt <= g.MissingSince && (s.FinishedAt is null || s.FinishedAt >= g.MissingSince));
            var before = ofLibrary.FirstOrDefault(s => s.Status == ScanStatus.Completed && s.FinishedAt < (found?.StartedAt ?? g.MissingSince));
            items.Add(new MissingFolderDto(g.Library.Value, g.Folder, g.Files, g.MissingSince, found?.Id.Value, before?.FinishedAt));
        }
        return new PagedList<MissingFolderDto>(items, query.Page.Page, query.Page.PageSize, groups.Count);
    }
}

/// <summary>A library's last scans, newest first.</summary>
public sealed class RecentScans : Specification<Scan>
{
    public RecentScans(LibraryId library) =>
        Query.AsNoTracking().Where(s => s.LibraryId == library).OrderByDescending(s => s.QueuedAt).Take(200);
}
