using Media.Domain.Common;

namespace Media.Domain.Probes;

/// <summary>Pending: never probed yet. Probed: <see cref="MediaFileProbe"/> holds what is inside. Failed: ffprobe could not read it.</summary>
public enum ProbeStatus { Pending, Probed, Failed }

/// <summary>
/// What ffprobe last read from a media file, and whether it must read it again. The result is kept with the size and
/// modification time of the bytes it describes, so an unchanged file is never probed twice. <see cref="Needed"/> is the
/// queue: a new file, or one whose size or time changed, is needed; a worker of any instance claims it
/// (<see cref="ClaimToken"/>), and a new request while it probes takes the claim away, so the stale result is dropped.
/// </summary>
public sealed class MediaFileProbe
{
    public const int MaxErrorLength = 1000;

    private MediaFileProbe() { } // for EF

    public MediaFileId MediaFileId { get; private set; }
    public ProbeStatus Status { get; private set; }
    public bool Needed { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public Guid? ClaimToken { get; private set; }
    public string? ClaimedBy { get; private set; }
    public DateTimeOffset? ClaimedAt { get; private set; }

    /// <summary>Size and modification time of the bytes the result describes.</summary>
    public long? FileSize { get; private set; }
    public DateTimeOffset? FileModifiedAt { get; private set; }
    public DateTimeOffset? ProbedAt { get; private set; }

    public string? Container { get; private set; }
    public double? DurationSeconds { get; private set; }
    public long? BitRate { get; private set; }

    // The main video stream's facts, kept on the row so that lists filter without reading the streams.
    public string? VideoCodec { get; private set; }
    public string? Resolution { get; private set; }
    public string? HdrFormat { get; private set; }
    public string? Error { get; private set; }

    public static MediaFileProbe Requested(MediaFileId file, DateTimeOffset at) =>
        new() { MediaFileId = file, Status = ProbeStatus.Pending, Needed = true, RequestedAt = at };

    /// <summary>True when the bytes on disk are the ones the kept result describes: no need to run ffprobe again.</summary>
    public bool Describes(long size, DateTimeOffset modifiedAt) => SameBytes(Status, FileSize, FileModifiedAt, size, modifiedAt);

    /// <summary>A kept result describes a file of this size and time (to the millisecond: what every database keeps).</summary>
    public static bool SameBytes(ProbeStatus status, long? keptSize, DateTimeOffset? keptModifiedAt, long size, DateTimeOffset modifiedAt) =>
        status != ProbeStatus.Pending && keptSize == size && keptModifiedAt is { } kept && Math.Abs((kept - modifiedAt).Ticks) < TimeSpan.TicksPerMillisecond;

    public void Probed(ProbedMedia media, long size, DateTimeOffset modifiedAt, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(media);
        (Status, Error, FileSize, FileModifiedAt, ProbedAt) = (ProbeStatus.Probed, null, size, modifiedAt, at);
        (Container, DurationSeconds, BitRate) = (Cut(media.Container, MediaStream.MaxTextLength), media.DurationSeconds, media.BitRate);
        (VideoCodec, Resolution, HdrFormat) = (Cut(media.VideoCodec, MediaStream.MaxTextLength), media.Resolution, media.HdrFormat);
        Done();
    }

    /// <summary>ffprobe could not read the file (truncated, not media, timed out): a finding kept with its message.</summary>
    public void Failed(string message, long size, DateTimeOffset modifiedAt, DateTimeOffset at)
    {
        (Status, Error, FileSize, FileModifiedAt, ProbedAt) = (ProbeStatus.Failed, Cut(message, MaxErrorLength), size, modifiedAt, at);
        (Container, DurationSeconds, BitRate, VideoCodec, Resolution, HdrFormat) = (null, null, null, null, null, null);
        Done();
    }

    /// <summary>The file is as it was when last probed: nothing to do.</summary>
    public void Unchanged() => Done();

    private void Done() => (Needed, ClaimToken, ClaimedBy, ClaimedAt) = (false, null, null, null);

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
