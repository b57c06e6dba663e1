using Media.Domain.Common;
using Media.Domain.Policies;
using Media.Domain.Probes;

namespace Media.Tests.Domain;

public sealed class ProbedMediaTests
{
    private static MediaStream Video(int width, int height, string codec = "h264", string? hdr = null, int depth = 8, int index = 0, bool isDefault = true) =>
        new(index, StreamKind.Video, codec, null, width, height, 24, depth, hdr, null, null, null, null, isDefault, false);

    private static MediaStream Audio(int index, string? language) =>
        new(index, StreamKind.Audio, "aac", "LC", null, null, null, null, null, 2, "stereo", language, null, index == 1, false);

    private static ProbedMedia Media(params MediaStream[] streams) => new("matroska,webm", 10, 1_000_000, streams);

    private static Policy WithRules(params Rule[] rules) => Policy.Create(new LibraryId(Guid.NewGuid()), "Strict", rules, [], DateTimeOffset.UnixEpoch);

    [TestCase(1280, 720, "720p")]
    [TestCase(1920, 1080, "1080p")]
    [TestCase(1920, 800, "1080p")] // a scope film cropped
    [TestCase(1440, 1080, "1080p")] // 4:3
    [TestCase(3840, 2160, "2160p")]
    [TestCase(3840, 1600, "2160p")]
    [TestCase(960, 720, "720p")]
    [TestCase(1280, 536, "720p")]
    [TestCase(720, 576, "480p")]
    [TestCase(640, 360, "480p")]
    public void ResolutionClass_OfTheRealFrame(int width, int height, string expected) =>
        Assert.That(ResolutionClass.Of(width, height), Is.EqualTo(expected));

    [Test]
    public void ResolutionClass_OfNoFrame_IsUnknown() => Assert.That(ResolutionClass.Of(null, 0), Is.Null);

    [TestCase("smpte2084", new string[0], "hdr10")]
    [TestCase("arib-std-b67", new string[0], "hlg")]
    [TestCase("bt709", new string[0], null)]
    [TestCase("smpte2084", new[] { "DOVI configuration record" }, "dolby_vision")]
    [TestCase("smpte2084", new[] { "HDR Dynamic Metadata SMPTE2094-40 (HDR10+)" }, "hdr10plus")]
    [TestCase(null, new[] { "Mastering display metadata" }, null)]
    public void HdrFormat_FromTransferAndSideData(string? transfer, string[] sideData, string? expected) =>
        Assert.That(HdrFormats.From(transfer, sideData), Is.EqualTo(expected));

    [Test]
    public void Video_IsTheDefaultStream_NotCoverArt()
    {
        var media = Media(new MediaStream(0, StreamKind.Attachment, "mjpeg", null, 600, 900, null, 8, null, null, null, null, null, false, false),
            Video(1920, 1080, index: 1));
        Assert.That((media.Video?.Index, media.Resolution), Is.EqualTo(((int?)1, "1080p")));
    }

    [Test]
    public void Quality_ResolutionThenHdrThenBitDepth()
    {
        var hd = Media(Video(1280, 720)).Quality;
        var fullHd = Media(Video(1920, 1080)).Quality;
        var fullHdHdr = Media(Video(1920, 1080, "hevc", "hdr10", 10)).Quality;
        var fullHd10 = Media(Video(1920, 1080, "hevc", depth: 10)).Quality;
        Assert.Multiple(() =>
        {
            Assert.That(fullHd.IsBetterThan(hd));
            Assert.That(fullHdHdr.IsBetterThan(fullHd10));
            Assert.That(fullHd10.IsBetterThan(fullHd));
            Assert.That(fullHd.IsBetterThan(Media(Video(1920, 1080, "hevc")).Quality), Is.False, "a codec is not a better picture");
            Assert.That(hd.IsBetterThan(fullHdHdr), Is.False);
        });
    }

    [Test]
    public void ContentReasons_AReleaseNamed1080pWhoseVideoIs720p_IsRejectedWithTheFrameSize()
    {
        var reasons = WithRules(new Rule(RuleKind.Resolution, "1080p,2160p")).ContentReasons(Media(Video(1280, 720)));
        Assert.That(reasons, Is.EqualTo(new[] { "Strict: the video is 720p (1280x720), not one of 1080p, 2160p." }));
    }

    [Test]
    public void ContentReasons_CodecHdrAndAudioLanguage()
    {
        var policy = WithRules(new Rule(RuleKind.VideoCodec, "hevc,av1"), new Rule(RuleKind.Hdr, "required"),
            new Rule(RuleKind.AudioLanguage, "ger"), new Rule(RuleKind.ForbiddenAudioLanguage, "fre"));
        var sdr = Media(Video(1920, 1080, "h264"), Audio(1, "eng"), Audio(2, "fre"));
        Assert.That(policy.ContentReasons(sdr), Is.EqualTo(new[]
        {
            "Strict: the video codec is h264, not one of hevc, av1.",
            "Strict: the video is SDR; HDR is required.",
            "Strict: no audio stream in ger (audio: eng, fre).",
            "Strict: an audio stream is in the forbidden language fre.",
        }));
        var good = Media(Video(3840, 2160, "hevc", "dolby_vision", 10), Audio(1, "ger"));
        Assert.That(policy.ContentReasons(good), Is.Empty);
    }

    [Test]
    public void ContentReasons_HdrFormatsAndForbidden()
    {
        var hdr10 = Media(Video(3840, 2160, "hevc", "hdr10", 10));
        Assert.That(WithRules(new Rule(RuleKind.Hdr, "dolby_vision")).ContentReasons(hdr10), Is.EqualTo(new[] { "Strict: the video is hdr10, not one of dolby_vision." }));
        Assert.That(WithRules(new Rule(RuleKind.Hdr, "forbidden")).ContentReasons(hdr10), Is.EqualTo(new[] { "Strict: the video is HDR (hdr10); HDR is forbidden." }));
        Assert.That(WithRules(new Rule(RuleKind.ForbiddenVideoCodec, "hevc")).ContentReasons(hdr10), Is.EqualTo(new[] { "Strict: the video codec hevc is forbidden." }));
    }

    [Test]
    public void UnreadableReasons_OnlyForContentRules()
    {
        Assert.That(WithRules(new Rule(RuleKind.Resolution, "1080p")).UnreadableReasons("moov atom not found"), Is.Empty,
            "a name rule already judged the name; an unreadable file is not refused by it");
        Assert.That(WithRules(new Rule(RuleKind.AudioLanguage, "eng")).UnreadableReasons("moov atom not found").Single(), Does.Contain("moov atom not found"));
    }

    [TestCase(RuleKind.VideoCodec, "hevc, av1", true)]
    [TestCase(RuleKind.VideoCodec, "h.264", false)]
    [TestCase(RuleKind.Hdr, "required", true)]
    [TestCase(RuleKind.Hdr, "hdr10,hlg", true)]
    [TestCase(RuleKind.Hdr, "hdr", false)]
    [TestCase(RuleKind.AudioLanguage, "eng,fre", true)]
    [TestCase(RuleKind.AudioLanguage, "english", false)]
    public void Check_ContentRuleValues(RuleKind kind, string value, bool valid) =>
        Assert.That(PolicyRules.Check(new Rule(kind, value)) is null, Is.EqualTo(valid));

    [Test]
    public void MediaFileProbe_DescribesOnlyTheBytesItRead()
    {
        var at = DateTimeOffset.UnixEpoch.AddYears(50);
        var probe = MediaFileProbe.Requested(new MediaFileId(Guid.NewGuid()), at);
        Assert.That(probe.Describes(100, at), Is.False, "never probed");
        probe.Probed(Media(Video(1280, 720)), 100, at, at);
        Assert.That((probe.Needed, probe.Resolution, probe.VideoCodec), Is.EqualTo((false, "720p", "h264")));
        Assert.That(probe.Describes(100, at.AddTicks(10)), Is.True, "the same to the millisecond");
        Assert.That(probe.Describes(101, at), Is.False);
        Assert.That(probe.Describes(100, at.AddSeconds(1)), Is.False);
        probe.Failed(new string('x', 5000), 100, at, at);
        Assert.That((probe.Status, probe.Resolution, probe.Error!.Length), Is.EqualTo((ProbeStatus.Failed, (string?)null, MediaFileProbe.MaxErrorLength)));
    }
}
