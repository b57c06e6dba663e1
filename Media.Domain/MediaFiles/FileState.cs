namespace Media.Domain.MediaFiles;

/// <summary>
/// What was last seen on disk for a media file: kept apart from its identity so a missing file keeps its history.
/// On a local disk it also holds what tells this file from another one at the same path or the same file at another
/// path: the file system's device and inode, its last change, and whether Media's identity could be written into the
/// file (user xattrs), or why not.
/// </summary>
public sealed record FileState(bool Exists, long Size, DateTimeOffset LastVerifiedAt)
{
    /// <summary>The device the file was on when last seen (major and minor in one number); null when not known.</summary>
    public long? Device { get; init; }

    /// <summary>The file's inode on that device; null when not known (object storage, rows from before migration 0017).</summary>
    public long? Inode { get; init; }

    /// <summary>The file's last change as the file system said, in whole microseconds (what every database keeps).</summary>
    public DateTimeOffset? ModifiedAt { get; init; }

    /// <summary>True when Media's identity is stored in the file (xattr), false when it could not be (see <see cref="IdentityNote"/>), null when never tried.</summary>
    public bool? IdentityStored { get; init; }

    /// <summary>Why the identity could not be stored in the file (a file system without xattr, a read-only share).</summary>
    public string? IdentityNote { get; init; }

    public const int MaxNoteLength = 500;

    public static FileState Verified(long size, DateTimeOffset at) =>
        size >= 0 ? new(true, size, at) : throw new ArgumentOutOfRangeException(nameof(size));

    /// <summary>The last known size is kept: it tells a user what went missing.</summary>
    public FileState Missing(DateTimeOffset at) => this with { Exists = false, LastVerifiedAt = at };

    /// <summary>Seen on disk with this size; what is known of its identity stays.</summary>
    public FileState Seen(long size, DateTimeOffset at) =>
        size >= 0 ? this with { Exists = true, Size = size, LastVerifiedAt = at } : throw new ArgumentOutOfRangeException(nameof(size));

    /// <summary>The file system's identity of the file as just read.</summary>
    public FileState OnDisk(long device, long inode, DateTimeOffset modifiedAt) =>
        this with { Device = device, Inode = inode, ModifiedAt = Microseconds(modifiedAt) };

    /// <summary>Whether writing the identity into the file worked: null <paramref name="failure"/> means it did.</summary>
    public FileState Tagged(string? failure) => this with
    {
        IdentityStored = failure is null,
        IdentityNote = failure is null ? null : failure.Length <= MaxNoteLength ? failure : failure[..MaxNoteLength],
    };

    /// <summary>A time as PostgreSQL keeps it (whole microseconds), so that what is stored compares equal to what is read again.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);
}
