namespace Media.Domain.MediaFiles;

/// <summary>What was last seen on disk for a media file: kept apart from its identity so a missing file keeps its history.</summary>
public sealed record FileState(bool Exists, long Size, DateTimeOffset LastVerifiedAt)
{
    public static FileState Verified(long size, DateTimeOffset at) =>
        size >= 0 ? new(true, size, at) : throw new ArgumentOutOfRangeException(nameof(size));

    /// <summary>The last known size is kept: it tells a user what went missing.</summary>
    public FileState Missing(DateTimeOffset at) => this with { Exists = false, LastVerifiedAt = at };
}
