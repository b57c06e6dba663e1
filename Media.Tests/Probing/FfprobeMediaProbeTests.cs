using System.Diagnostics;
using Media.Application.Probing;
using Media.Domain.Probes;
using Media.Infrastructure.Probing;
using Media.Tests.Support;

namespace Media.Tests.Probing;

/// <summary>The ffprobe adapter on real files made with ffmpeg: every field it keeps, and what it says of files it cannot read.</summary>
public sealed class FfprobeMediaProbeTests
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    private static FfprobeMediaProbe Probe(TimeSpan? timeout = null, int parallel = 2, string path = "ffprobe") =>
        new(new ProbeOptions(path, timeout ?? TimeSpan.FromSeconds(30), parallel));

    [SetUp]
    public void RequireFfmpeg() => TestMedia.Require();

    [Test]
    public async Task H264_720p_reads_container_duration_bit_rate_and_every_stream()
    {
        using var probe = Probe();
        var result = await probe.ProbeAsync(Path.Combine(await TestMedia.FolderAsync(), TestMedia.H264), Ct);

        Assert.That(result.Succeeded, result.Error);
        var media = result.Media!;
        Assert.That(media.Container, Is.EqualTo("matroska,webm"));
        Assert.That(media.DurationSeconds, Is.GreaterThan(0.1).And.LessThan(1.0));
        Assert.That(media.BitRate, Is.GreaterThan(0));
        Assert.That(media.Streams.Select(s => (s.Index, s.Kind)), Is.EqualTo(new[]
        {
            (0, StreamKind.Video), (1, StreamKind.Audio), (2, StreamKind.Audio), (3, StreamKind.Subtitle),
        }));
        var video = media.Streams[0];
        Assert.That((video.Codec, video.Profile, video.Width, video.Height, video.FrameRate, video.BitDepth, video.HdrFormat),
            Is.EqualTo(("h264", "Constrained Baseline", 1280, 720, 25.0, 8, (string?)null)), "ultrafast makes Constrained Baseline");
        Assert.That((video.Channels, video.ChannelLayout), Is.EqualTo(((int?)null, (string?)null)), "a picture has no channels");
        var english = media.Streams[1];
        Assert.That((english.Codec, english.Profile, english.Channels, english.ChannelLayout, english.Language, english.Title, english.IsDefault, english.IsForced),
            Is.EqualTo(("aac", "LC", 2, "stereo", "eng", "English", true, false)));
        Assert.That((english.Width, english.Height, english.FrameRate), Is.EqualTo(((int?)null, (int?)null, (double?)null)));
        var french = media.Streams[2];
        Assert.That((french.Language, french.Title, french.IsDefault), Is.EqualTo(("fre", (string?)null, false)));
        var subtitle = media.Streams[3];
        Assert.That((subtitle.Codec, subtitle.Language, subtitle.IsForced), Is.EqualTo(("subrip", "spa", true)));

        Assert.That((media.Resolution, media.VideoCodec, media.HdrFormat), Is.EqualTo(("720p", "h264", (string?)null)));
        Assert.That(media.AudioLanguages, Is.EqualTo(new[] { "eng", "fre" }));
    }

    [Test]
    public async Task Hevc_2160p_10_bit_reads_main_10_hdr10_and_surround_audio()
    {
        using var probe = Probe();
        var result = await probe.ProbeAsync(Path.Combine(await TestMedia.FolderAsync(), TestMedia.Hevc), Ct);

        Assert.That(result.Succeeded, result.Error);
        var video = result.Media!.Video!;
        Assert.That((video.Codec, video.Profile, video.Width, video.Height, video.FrameRate, video.BitDepth, video.HdrFormat),
            Is.EqualTo(("hevc", "Main 10", 3840, 2160, 24.0, 10, "hdr10")));
        var audio = result.Media.Streams.Single(s => s.Kind == StreamKind.Audio);
        Assert.That((audio.Codec, audio.Channels, audio.ChannelLayout, audio.Language), Is.EqualTo(("ac3", 6, "5.1(side)", (string?)null)));
        Assert.That(result.Media.Resolution, Is.EqualTo("2160p"));
        Assert.That(result.Media.Quality.IsBetterThan(new VideoQuality(ResolutionClass.Rank("2160p"), false, 8)), "HDR beats SDR at the same size");
    }

    [TestCase(TestMedia.Truncated, "moov atom not found")]
    [TestCase(TestMedia.NotMedia, "Invalid data found when processing input")]
    public async Task A_file_ffprobe_cannot_read_fails_with_ffprobes_message(string sample, string message)
    {
        using var probe = Probe();
        var result = await probe.ProbeAsync(Path.Combine(await TestMedia.FolderAsync(), sample), Ct);

        Assert.That((result.Succeeded, result.Unavailable), Is.EqualTo((false, false)));
        Assert.That(result.Error, Does.Contain(message));
        Assert.That(result.Error, Does.Not.Contain(Path.GetTempPath()), "the message names the file, not where the server keeps it");
    }

    [Test]
    public async Task A_probe_that_hangs_is_killed_at_the_timeout_and_fails()
    {
        // A named pipe nobody writes to: ffprobe waits on it for ever.
        var fifo = Path.Combine(Path.GetTempPath(), $"media-probe-fifo-{Guid.NewGuid():N}.mkv");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync(Ct);
        try
        {
            using var probe = Probe(TimeSpan.FromSeconds(1));
            var clock = Stopwatch.StartNew();
            var result = await probe.ProbeAsync(fifo, Ct);

            Assert.That(result.Error, Does.Contain("did not finish within 1 s"));
            Assert.That(result.Unavailable, Is.False, "a timeout is a finding about the file");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Test]
    public async Task Without_ffprobe_a_probe_is_unavailable_not_a_finding()
    {
        using var probe = Probe(path: "/nonexistent/ffprobe");
        var result = await probe.ProbeAsync(Path.Combine(await TestMedia.FolderAsync(), TestMedia.H264), Ct);

        Assert.That((result.Succeeded, result.Unavailable), Is.EqualTo((false, true)));
        Assert.That(await probe.UnavailableReasonAsync(Ct), Does.Contain("Probes__FfprobePath"));
    }

    [Test]
    public async Task No_more_probes_run_at_once_than_the_bound()
    {
        // A stand-in ffprobe that notes when each run starts and ends, and takes a moment.
        var folder = Path.Combine(Path.GetTempPath(), $"media-probe-bound-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var log = Path.Combine(folder, "runs.log");
        var script = Path.Combine(folder, "ffprobe");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"start $(date +%s%N)\" >> {log}\nsleep 0.3\necho \"end $(date +%s%N)\" >> {log}\nexit 1\n", Ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            using var probe = Probe(parallel: 2, path: script);
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => probe.ProbeAsync(script, Ct)));

            var events = (await File.ReadAllLinesAsync(log, Ct)).Select(l => l.Split(' ')).Select(p => (Start: p[0] == "start", At: long.Parse(p[1])))
                .OrderBy(e => e.At).ThenBy(e => e.Start).ToList();
            var (running, most) = (0, 0);
            foreach (var e in events) most = Math.Max(most, running += e.Start ? 1 : -1);
            Assert.That((events.Count(e => e.Start), most), Is.EqualTo((6, 2)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
