namespace Media.Domain.Probes;

public enum StreamKind { Video, Audio, Subtitle, Attachment, Data }

/// <summary>One stream of a file as ffprobe reads it. Absent facts are null (an audio stream has no width).</summary>
public sealed record MediaStream(
    int Index, StreamKind Kind, string? Codec, string? Profile, int? Width, int? Height, double? FrameRate, int? BitDepth,
    string? HdrFormat, int? Channels, string? ChannelLayout, string? Language, string? Title, bool IsDefault, bool IsForced)
{
    public const int MaxTextLength = 200;
}

/// <summary>What is inside a file: its container, length, overall bit rate and streams.</summary>
public sealed record ProbedMedia(string? Container, double? DurationSeconds, long? BitRate, IReadOnlyList<MediaStream> Streams)
{
    /// <summary>The main picture: the default video stream, else the largest (cover art is an attachment, never this).</summary>
    public MediaStream? Video => Streams.Where(s => s.Kind == StreamKind.Video)
        .OrderByDescending(s => s.IsDefault).ThenByDescending(s => (long)(s.Width ?? 0) * (s.Height ?? 0)).ThenBy(s => s.Index)
        .FirstOrDefault();

    public string? Resolution => Video is { } v ? ResolutionClass.Of(v.Width, v.Height) : null;

    public string? VideoCodec => Video?.Codec;

    public string? HdrFormat => Video?.HdrFormat;

    /// <summary>The languages of the audio streams (ISO 639-2 as the file tags them, lower case), without duplicates.</summary>
    public IReadOnlyList<string> AudioLanguages => Streams.Where(s => s.Kind == StreamKind.Audio && s.Language is not null)
        .Select(s => s.Language!).Distinct(StringComparer.Ordinal).ToList();

    public VideoQuality Quality => new(ResolutionClass.Rank(Resolution), HdrFormat is not null, Video?.BitDepth ?? 8);
}

/// <summary>
/// How good the picture is, as far as the file says: resolution class first, then high dynamic range, then bit depth.
/// Codec and bit rate are left out on purpose: a bigger re-encode is not a better picture.
/// </summary>
public readonly record struct VideoQuality(int ResolutionRank, bool Hdr, int BitDepth)
{
    private int CompareTo(VideoQuality other)
    {
        var byResolution = ResolutionRank.CompareTo(other.ResolutionRank);
        if (byResolution != 0) return byResolution;
        var byRange = Hdr.CompareTo(other.Hdr);
        return byRange != 0 ? byRange : BitDepth.CompareTo(other.BitDepth);
    }

    public bool IsBetterThan(VideoQuality other) => CompareTo(other) > 0;
}

/// <summary>
/// The resolution class of a real frame size. A frame reaches a class by its width or by its height, so a scope film
/// cropped to 1920x800 is 1080p and a 4:3 1440x1080 is 1080p too; below 720p everything is 480p (SD).
/// </summary>
public static class ResolutionClass
{
    public const string Sd = "480p";
    public const string Hd = "720p";
    public const string FullHd = "1080p";
    public const string UltraHd = "2160p";

    /// <summary>Lowest first: the rank of a class is its position.</summary>
    public static readonly IReadOnlyList<string> All = [Sd, Hd, FullHd, UltraHd];

    // The smallest width or height that still counts as the class: cropped and slightly trimmed encodes included.
    private const int UltraHdMinWidth = 3200, UltraHdMinHeight = 2000;
    private const int FullHdMinWidth = 1800, FullHdMinHeight = 1000;
    private const int HdMinWidth = 1200, HdMinHeight = 700;

    public static string? Of(int? width, int? height)
    {
        if (width is not > 0 || height is not > 0) return null;
        if (width >= UltraHdMinWidth || height >= UltraHdMinHeight) return UltraHd;
        if (width >= FullHdMinWidth || height >= FullHdMinHeight) return FullHd;
        if (width >= HdMinWidth || height >= HdMinHeight) return Hd;
        return Sd;
    }

    /// <summary>0 for 480p up to 3 for 2160p; -1 when unknown.</summary>
    public static int Rank(string? resolution) => resolution is null ? -1 : All.ToList().IndexOf(resolution);
}

/// <summary>The HDR formats read from a video stream's colour transfer and side data; SDR is none (null).</summary>
public static class HdrFormats
{
    public const string DolbyVision = "dolby_vision";
    public const string Hdr10Plus = "hdr10plus";
    public const string Hdr10 = "hdr10";
    public const string Hlg = "hlg";

    public static readonly IReadOnlyList<string> All = [DolbyVision, Hdr10Plus, Hdr10, Hlg];

    /// <summary>
    /// Dolby Vision and HDR10+ are told by their side data (a DOVI configuration record; SMPTE 2094-40 dynamic metadata);
    /// otherwise the transfer says it: PQ (smpte2084) is HDR10, arib-std-b67 is HLG; anything else is SDR.
    /// </summary>
    public static string? From(string? colorTransfer, IEnumerable<string> sideDataTypes)
    {
        var sideData = sideDataTypes.ToList();
        if (sideData.Exists(t => t.Contains("DOVI", StringComparison.OrdinalIgnoreCase) || t.Contains("Dolby Vision", StringComparison.OrdinalIgnoreCase)))
            return DolbyVision;
        if (sideData.Exists(t => t.Contains("2094-40", StringComparison.Ordinal) || t.Contains("HDR10+", StringComparison.OrdinalIgnoreCase)))
            return Hdr10Plus;
        return colorTransfer switch
        {
            "smpte2084" => Hdr10,
            "arib-std-b67" => Hlg,
            _ => null,
        };
    }
}
