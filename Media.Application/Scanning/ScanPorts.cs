using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Scans;
using Media.Domain.Unmatched;
using Media.Domain.Imports;

namespace Media.Application.Scanning;

public interface IScanRepository : IRepository<Scan, ScanId>;

/// <summary>Hands a queued scan to a worker (in this process; the database keeps one active scan per library).</summary>
public interface IScanQueue
{
    ValueTask EnqueueAsync(ScanId scan, CancellationToken ct);
}

/// <summary>A media file as the scan needs it: where it is and what the library last knew of it.</summary>
/// <summary>
/// A media file as the scan needs it: where it is and what the library last knew of it, with what tells it apart on a
/// local disk (device, inode, last change, whether its identity is stored in it).
/// </summary>
public sealed record KnownFile(
    MediaFileId Id, string Path, long Size, bool Exists,
    long? Device = null, long? Inode = null, DateTimeOffset? ModifiedAt = null, bool? Tagged = null)
{
    /// <summary>When a scan last saw it: a file changed after that (its modification time is later) is probed again.</summary>
    public DateTimeOffset LastVerifiedAt { get; init; }
}

/// <summary>A media item as identification needs it: enough to compare titles without loading seasons.</summary>
public sealed record KnownItem(MediaItemId Id, MediaType Type, int TmdbId, string Title, string? OriginalTitle, int? Year);

/// <summary>
/// The scan's bulk persistence: streamed reads and batched writes, so that a library of 100,000 files never costs
/// a database round trip per file. Shares the unit of work of the scope it lives in.
/// </summary>
public interface IScanStore
{
    IAsyncEnumerable<KnownFile> KnownFilesAsync(LibraryId library, string? folder, CancellationToken ct);

    /// <summary>Pending and dismissed queue entries (tracked: pending ones are updated by the scan).</summary>
    Task<List<UnmatchedFile>> UnresolvedAsync(LibraryId library, string? folder, CancellationToken ct);

    /// <summary>
    /// The titles of one kind, indexed by the caller as they come (not kept as a list beside the index). Read on a unit of
    /// work of its own: the caller may read them while it uses the store for anything else.
    /// </summary>
    IAsyncEnumerable<KnownItem> ItemsAsync(MediaType type, CancellationToken ct);

    /// <summary>The item with its seasons and episodes, untracked.</summary>
    Task<MediaItem?> LoadItemAsync(MediaItemId id, CancellationToken ct);

    /// <summary>
    /// A new movie, stored with the next flush in one statement for the whole batch (find-or-create: a movie another
    /// writer stored first is kept, and this scan's files go to it). Until then <see cref="LoadItemAsync"/> returns it.
    /// </summary>
    void AddItem(MediaItem movie);

    /// <summary>Find-or-create of an item with its seasons and episodes (<see cref="MediaItems.IMediaItemRepository.EnsureAsync"/>): the stored aggregate.</summary>
    Task<MediaItem> EnsureItemAsync(MediaItem candidate, CancellationToken ct);

    /// <summary>
    /// Find-or-create of the rows of one season of a stored series, as the series (untracked) holds it in memory:
    /// returns the series itself when its rows went in as they are, else the series as stored (another writer stored
    /// some of them first, under other ids).
    /// </summary>
    Task<MediaItem> EnsureSeasonAsync(MediaItem series, int season, CancellationToken ct);

    /// <summary>
    /// Known files the walk saw unchanged are verified at <paramref name="at"/> (the ones still present: never one
    /// another writer marked missing meanwhile). One statement for the chunk, in a unit of work of its own: called
    /// beside the walk while the scan's own store is in use (one call at a time).
    /// </summary>
    Task TouchAsync(IReadOnlyCollection<MediaFileId> files, DateTimeOffset at, CancellationToken ct);

    /// <summary>Files seen with a new size, or back after being missing.</summary>
    Task VerifyAsync(IReadOnlyCollection<(MediaFileId Id, long Size)> files, DateTimeOffset at, CancellationToken ct);

    Task MarkMissingAsync(IReadOnlyCollection<MediaFileId> files, DateTimeOffset at, CancellationToken ct);

    void Add(MediaFile file, ImportAttempt import);

    void Add(UnmatchedFile file);

    void Remove(UnmatchedFile file);

    /// <summary>
    /// Saves what was added and lets go of it, keeping memory flat; the scan stays tracked. A batch the database
    /// refuses is saved again file by file, so that one file it cannot store costs that file only: the answer lists
    /// those files and why.
    /// </summary>
    Task<IReadOnlyList<ScanProblem>> FlushAsync(CancellationToken ct);

    /// <summary>
    /// Like <see cref="FlushAsync"/>, but where the store can (PostgreSQL), the batch's new files are written beside the
    /// caller while it goes on: when this returns, what was flushed before this call is stored (its refused files are
    /// the answer), and this batch is being written. <see cref="FlushAsync"/> waits for everything.
    /// </summary>
    Task<IReadOnlyList<ScanProblem>> FlushBehindAsync(CancellationToken ct);
}

/// <summary>
/// Writes to a scan's row outside the scan's own unit of work: the claim that starts it, the heartbeat that beats
/// while the scan waits on anything (TMDB, the disk, the database), and the failure that must be recorded even when
/// the scan's unit of work is what broke.
/// </summary>
public interface IScanLedger
{
    /// <summary>
    /// Queued to running, for exactly one caller in any instance; the claim's time is its token (see <see cref="BeatAsync"/>).
    /// </summary>
    Task<bool> ClaimAsync(ScanId id, DateTimeOffset claimedAt, string runBy, CancellationToken ct);

    /// <summary>Renews the lease of the claim made at <paramref name="claimedAt"/>; false when the scan is no longer this claim's.</summary>
    Task<bool> BeatAsync(ScanId id, DateTimeOffset claimedAt, DateTimeOffset at, CancellationToken ct);

    Task FailAsync(ScanId id, string error, DateTimeOffset at, CancellationToken ct);

    /// <summary>Queued scans, oldest first: the durable queue every instance takes work from.</summary>
    Task<IReadOnlyList<ScanId>> QueuedAsync(CancellationToken ct);

    /// <summary>
    /// Running scans whose lease ran out before <paramref name="expiredBefore"/> (their instance died) go back to the
    /// queue, to be run again from the start by whoever claims them; a walk never continues half done.
    /// </summary>
    Task<int> RequeueExpiredAsync(DateTimeOffset expiredBefore, CancellationToken ct);
}
