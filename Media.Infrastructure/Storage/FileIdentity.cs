using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.MediaItems;

namespace Media.Infrastructure.Storage;

/// <summary>
/// A local file's identity through libc: <c>statx(2)</c> for device, inode, size and last change (a layout that is the
/// same on every architecture), and a user extended attribute (<c>getxattr(2)</c>, <c>setxattr(2)</c>),
/// <c>user.media.id</c>, for the identity Media gives it. A file system without user xattrs (or a read-only one) answers
/// with an errno, turned into the reason the identity is not stored; nothing else depends on it.
/// </summary>
internal static partial class FileIdentity
{
    /// <summary>
    /// The identity in one attribute, one <c>setxattr</c>: <c>v1;movie;603;;;&lt;file id&gt;</c>,
    /// <c>v1;series;1399;1;1,2;&lt;file id&gt;</c>. Small enough for ext4 to keep inside the inode: the five attributes of
    /// earlier versions took a 4 KB block of their own per file, and five system calls.
    /// </summary>
    public const string IdName = "user.media.id";
    private const string Version = "v1";

    // Earlier versions' five attributes (the file id written last): still read, and removed when a file is written again.
    public const string FileIdName = "user.media.file_id";
    public const string TypeName = "user.media.type";
    public const string TmdbIdName = "user.media.tmdb_id";
    public const string SeasonName = "user.media.season";
    public const string EpisodesName = "user.media.episodes";

    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int Enodata = 61;
    private const int Enotsup = 95;
    private const int Erofs = 30;
    private const int Eacces = 13;
    private const int Eperm = 1;
    private const int Enospc = 28;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    /// <summary>The file (links followed), or null when there is none.</summary>
    public static unsafe FileProbe? Probe(string fullPath)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, fullPath, 0, StatxBasicStats, buffer) != 0) return null;
        var span = new ReadOnlySpan<byte>(buffer, 256);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        if ((mode & 0xF000) != 0x8000) return null; // not a regular file
        var inode = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        var size = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        var seconds = BinaryPrimitives.ReadInt64LittleEndian(span[112..]);
        var nanoseconds = BinaryPrimitives.ReadUInt32LittleEndian(span[120..]);
        var major = BinaryPrimitives.ReadUInt32LittleEndian(span[136..]);
        var minor = BinaryPrimitives.ReadUInt32LittleEndian(span[140..]);
        var modified = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
        return new FileProbe(((long)major << 32) | minor, inode, size, modified, ReadTag(fullPath));
    }

    /// <summary>
    /// Whether nothing is at the path: true only when the file system says so (ENOENT, ENOTDIR). A path that cannot be
    /// looked at (no permission on a folder on its way, an I/O error) is not taken for a gone file.
    /// </summary>
    public static unsafe bool Absent(string fullPath)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, fullPath, 0, StatxBasicStats, buffer) == 0) return false;
        var errno = Marshal.GetLastPInvokeError();
        return errno is Enoent or Enotdir;
    }

    /// <summary>Device and inode of a folder (or any file), or null when there is none: tells a mount point's two states apart.</summary>
    public static unsafe (long Device, long Inode)? NodeOf(string fullPath)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, fullPath, 0, StatxBasicStats, buffer) != 0) return null;
        var span = new ReadOnlySpan<byte>(buffer, 256);
        var major = BinaryPrimitives.ReadUInt32LittleEndian(span[136..]);
        var minor = BinaryPrimitives.ReadUInt32LittleEndian(span[140..]);
        return (((long)major << 32) | minor, (long)BinaryPrimitives.ReadUInt64LittleEndian(span[32..]));
    }

    /// <summary>The identity stored in the file, or null (none, another program's, or unreadable).</summary>
    public static IdentityTag? ReadTag(string fullPath) =>
        Read(fullPath, IdName) is { } value ? Parse(value) : ReadEarlierTag(fullPath);

    /// <summary>The one attribute's value; null when it is not one Media wrote.</summary>
    internal static IdentityTag? Parse(string value)
    {
        var parts = value.Split(';');
        if (parts.Length != 6 || parts[0] != Version || !Guid.TryParse(parts[5], out var file)) return null;
        if (NumberOf(parts[2]) is not { } tmdbId || TypeOf(parts[1]) is not { } type) return null;
        return new IdentityTag(new MediaFileId(file), type, tmdbId, NumberOf(parts[3]), EpisodesOf(parts[4]));
    }

    private static MediaType? TypeOf(string? word) => word switch
    {
        "movie" => MediaType.Movie,
        "series" => MediaType.Series,
        _ => null,
    };

    private static string WordOf(MediaType type) => type == MediaType.Movie ? "movie" : "series";

    private static int? NumberOf(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>"1,2": the episodes; what is not a number is left out.</summary>
    private static List<int> EpisodesOf(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(NumberOf).OfType<int>()];

    internal static string Format(IdentityTag tag) => string.Join(';',
        Version, WordOf(tag.Type), tag.TmdbId.ToString(CultureInfo.InvariantCulture),
        tag.Season?.ToString(CultureInfo.InvariantCulture) ?? "", string.Join(',', tag.Episodes.Select(e => e.ToString(CultureInfo.InvariantCulture))),
        tag.File.Value.ToString());

    /// <summary>An identity in earlier versions' five attributes.</summary>
    private static IdentityTag? ReadEarlierTag(string fullPath)
    {
        if (Read(fullPath, FileIdName) is not { } id || !Guid.TryParse(id, out var file)) return null;
        if (NumberOf(Read(fullPath, TmdbIdName)) is not { } tmdbId || TypeOf(Read(fullPath, TypeName)) is not { } type) return null;
        return new IdentityTag(new MediaFileId(file), type, tmdbId, NumberOf(Read(fullPath, SeasonName)), EpisodesOf(Read(fullPath, EpisodesName)));
    }

    /// <summary>Null when the identity was written; otherwise why it is not stored.</summary>
    public static string? Write(string fullPath, IdentityTag tag)
    {
        // One attribute, written whole: never half an identity. An earlier version's identity goes (its file id first).
        var result = Set(fullPath, IdName, Format(tag));
        if (result != 0) return Reason(result);
        if (Has(fullPath, FileIdName)) ForgetEarlier(fullPath);
        return null;
    }

    /// <summary>Removes Media's identity from the file (a file that never had one, for tests and tools).</summary>
    public static void Forget(string fullPath)
    {
        Remove(fullPath, IdName);
        ForgetEarlier(fullPath);
    }

    private static void ForgetEarlier(string fullPath)
    {
        foreach (var name in new[] { FileIdName, TypeName, TmdbIdName, SeasonName, EpisodesName }) Remove(fullPath, name);
    }

    private static string Reason(int errno) => errno switch
    {
        Enotsup => "The file system does not support user extended attributes (xattr).",
        Erofs => "The file system is read-only.",
        Eacces or Eperm => "Permission denied writing the file's extended attributes.",
        Enospc => "No space left for the file's extended attributes.",
        Enoent => "The file is gone.",
        _ => $"setxattr failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).",
    };

    private static unsafe string? Read(string path, string name)
    {
        var buffer = stackalloc byte[512];
        var length = GetXattr(path, name, buffer, 512);
        if (length < 0) return null;
        return Encoding.UTF8.GetString(buffer, (int)length);
    }

    /// <summary>Whether the file has the attribute (a size-0 read answers its length).</summary>
    private static unsafe bool Has(string path, string name) => GetXattr(path, name, null, 0) >= 0;

    private static unsafe int Set(string path, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* data = bytes)
            return SetXattr(path, name, data, bytes.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private static int Remove(string path, string name)
    {
        if (RemoveXattr(path, name) == 0) return 0;
        var errno = Marshal.GetLastPInvokeError();
        return errno == Enodata ? 0 : errno;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint GetXattr(string path, string name, byte* value, nint size);

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int SetXattr(string path, string name, byte* value, nint size, int flags);

    [LibraryImport("libc", EntryPoint = "removexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RemoveXattr(string path, string name);
}
