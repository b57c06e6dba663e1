using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;

namespace Media.Application.Storage;

/// <summary>Writing a media file's identity into the file, wherever a file is identified (scan, manual match, import).</summary>
public static class IdentityTags
{
    /// <summary>What the file says about itself: its media file, title and episodes (season and numbers).</summary>
    public static IdentityTag Of(MediaFile file, MediaItem item)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(item);
        var held = file.Episodes.OrderBy(e => e.Position).Select(e => e.EpisodeId).ToList();
        var season = item.Seasons.FirstOrDefault(s => held.Count > 0 && s.Episodes.Any(e => e.Id == held[0]));
        var numbers = season is null ? [] : held.Select(id => season.Episodes.FirstOrDefault(e => e.Id == id)?.Number).OfType<int>().ToList();
        return new IdentityTag(file.Id, item.Type, item.TmdbId, season?.Number, numbers);
    }

    /// <summary>
    /// Stamps the file with what its file system says (device, inode, last change) and writes its identity into it; a
    /// storage that cannot (object storage, no xattr, read-only) is no error: the state says why the identity is not stored.
    /// </summary>
    public static void Stamp(ILibraryStorage storage, MediaFile file, MediaItem item, FileProbe? probe = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (storage is not IFileIdentityStore disk) return;
        probe ??= disk.Probe(file.Path);
        if (probe is not null) file.SeenOnDisk(probe.Device, probe.Inode, probe.ModifiedAt);
        file.IdentityTagged(disk.Write(file.Path, Of(file, item)));
    }
}
