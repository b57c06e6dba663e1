using Ardalis.Specification;
using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Media.Domain.Probes;

namespace Media.Application.Probing;

/// <summary>
/// What a probe of one file gave: what is inside it, or why it could not be read (<see cref="ProbeErrors.Failed"/>: a
/// truncated or non-media file, a timeout: a finding about the file), or that no probe could run at all
/// (<see cref="Unavailable"/>: ffprobe is missing; nothing is learnt about the file).
/// </summary>
public sealed record ProbeResult(ProbedMedia? Media, string? Error, bool Unavailable = false)
{
    public bool Succeeded => Media is not null;

    public static ProbeResult Read(ProbedMedia media) => new(media, null);
    public static ProbeResult Failed(string message) => new(null, message);
    public static ProbeResult NotAvailable(string message) => new(null, message, Unavailable: true);
}

/// <summary>Reads what is inside a local file. Never throws for a file it cannot read; only cancellation escapes.</summary>
public interface IMediaProbe
{
    Task<ProbeResult> ProbeAsync(string localPath, CancellationToken ct);

    /// <summary>Null when probes can run; otherwise why not (ffprobe missing).</summary>
    Task<string?> UnavailableReasonAsync(CancellationToken ct);
}

/// <summary>A claimed probe: which file, where, the claim's token, and what the kept result describes.</summary>
public sealed record ProbeWork(
    MediaFileId File, Guid Claim, string StorageProvider, string StorageRoot, string Path,
    ProbeStatus Status, long? KeptSize, DateTimeOffset? KeptModifiedAt);

/// <summary>
/// The probe queue, in the database (<c>media_file_probe.needed</c>), shared by every instance. Each call runs on a
/// database context of its own: a request never joins, or waits on, the caller's unit of work.
/// </summary>
public interface IProbeQueue
{
    /// <summary>
    /// The files need a probe (new, or changed on disk). Files that are not stored are passed over; a probe in flight for
    /// one of them loses its claim, so its result, now stale, is dropped.
    /// </summary>
    Task RequestAsync(IReadOnlyCollection<MediaFileId> files, DateTimeOffset at, CancellationToken ct);

    /// <summary>Every media file that has no probe row yet gets one, needed (files older than the probe table; a request lost to a crash).</summary>
    Task<int> RequestUnprobedAsync(DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Up to <paramref name="max"/> needed files, oldest request first, claimed for <paramref name="claimedBy"/> by a
    /// conditional update (one claimant per file in any instance); a claim older than <paramref name="expiredBefore"/>
    /// (its instance died) is taken over.
    /// </summary>
    Task<IReadOnlyList<ProbeWork>> ClaimAsync(int max, string claimedBy, DateTimeOffset at, DateTimeOffset expiredBefore, CancellationToken ct);

    /// <summary>
    /// Records the outcome while the claim is still this one's: <paramref name="record"/> changes the row,
    /// <paramref name="streams"/> replace the file's streams (null leaves them). False when the claim was taken away.
    /// </summary>
    Task<bool> CompleteAsync(ProbeWork work, Action<MediaFileProbe> record, IReadOnlyList<MediaStream>? streams, CancellationToken ct);

    /// <summary>How many files wait for a probe.</summary>
    Task<int> NeededCountAsync(CancellationToken ct);
}

/// <summary>
/// Filters of the media-file list by what is inside the files (null: no filter). <see cref="Hdr"/> false means probed
/// SDR; <see cref="ProbeFailed"/> false means not failed (probed, or not probed yet).
/// </summary>
public sealed record ContentFilter(string? VideoCodec, string? Resolution, bool? Hdr, string? AudioLanguage, bool? ProbeFailed)
{
    public bool IsEmpty => VideoCodec is null && Resolution is null && Hdr is null && AudioLanguage is null && ProbeFailed is null;
}

/// <summary>What the database keeps of files' probes, for the API and upgrades.</summary>
public interface IProbeReader
{
    Task<(MediaFileProbe Probe, IReadOnlyList<MediaStream> Streams)?> FindAsync(MediaFileId file, CancellationToken ct);

    /// <summary>A page of the media-file list (the specification's filters, order and page) narrowed by content, and its total.</summary>
    Task<(IReadOnlyList<MediaFile> Items, int Total)> PageAsync(ISpecification<MediaFile> page, ContentFilter content, CancellationToken ct);
}

public static class ProbeErrors
{
    /// <summary>The stable code of a file ffprobe could not read (import records, scan findings).</summary>
    public const string FailedCode = "probe_failed";
}
