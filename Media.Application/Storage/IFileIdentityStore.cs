using Media.Domain.Common;
using Media.Domain.MediaItems;

namespace Media.Application.Storage;

/// <summary>
/// What Media writes into a file it has identified (the user extended attribute <c>user.media.id</c> on a local disk):
/// which media file it is, and its title (type and TMDB id) and episodes. A copy made with <c>cp --preserve=xattr</c> or
/// <c>rsync -X</c> carries it along.
/// </summary>
public sealed record IdentityTag(MediaFileId File, MediaType Type, int TmdbId, int? Season, IReadOnlyList<int> Episodes);

/// <summary>A file as its file system knows it: device, inode, size, last change, and the identity stored in it, if any.</summary>
public sealed record FileProbe(long Device, long Inode, long Size, DateTimeOffset ModifiedAt, IdentityTag? Tag);

/// <summary>
/// A storage whose files have an identity of their own (a local disk: device and inode) and can carry Media's
/// (xattr). Object storage does not implement it. Each call is a few system calls on one file.
/// </summary>
public interface IFileIdentityStore
{
    /// <summary>The file at a library-relative path, or null when there is none.</summary>
    FileProbe? Probe(string path);

    /// <summary>
    /// Whether nothing is at a library-relative path, as the file system says it (a path that cannot be looked at, or a
    /// root that is not there, is not gone): lets a scan decide that a known file moved before its walk gets there.
    /// </summary>
    bool Gone(string path);

    /// <summary>Writes the identity into the file: null when it is stored, otherwise why not (no xattr support, read-only).</summary>
    string? Write(string path, IdentityTag tag);
}
