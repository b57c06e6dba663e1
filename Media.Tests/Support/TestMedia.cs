using System.Diagnostics;

namespace Media.Tests.Support;

/// <summary>
/// Small real media files made once per test run with ffmpeg's lavfi sources (testsrc, sine): an H.264 720p file with
/// two audio languages and a forced subtitle, an HEVC 2160p 10-bit file with HDR10 signalling and 5.1 audio, a truncated
/// MP4 and a file that is not media. Tests that need them are skipped, saying why, without ffmpeg.
/// </summary>
public static class TestMedia
{
    public const string H264 = "h264-720p.mkv";
    public const string Hevc = "hevc-2160p-hdr10.mkv";
    public const string Truncated = "truncated.mp4";
    public const string NotMedia = "not-media.mkv";

    private static readonly Lazy<Task<string>> Made = new(MakeAsync);

    public static bool Installed => Exists("ffmpeg") && Exists("ffprobe");

    /// <summary>Skips the test without ffmpeg and ffprobe (build.ps1 test installs Debian's ffmpeg as root).</summary>
    public static void Require()
    {
        if (!Installed) Assert.Ignore("ffmpeg/ffprobe is not installed (build.ps1 test installs Debian's ffmpeg when run as root).");
    }

    /// <summary>The folder holding the made files.</summary>
    public static Task<string> FolderAsync() => Made.Value;

    /// <summary>Copies one made file to <paramref name="relative"/> under <paramref name="root"/>; its full path.</summary>
    public static async Task<string> CopyAsync(string sample, string root, string relative)
    {
        var target = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(await FolderAsync(), sample), target, overwrite: true);
        return target;
    }

    private static async Task<string> MakeAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"media-test-media-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var subtitle = Path.Combine(folder, "sub.srt");
        await File.WriteAllTextAsync(subtitle, "1\n00:00:00,000 --> 00:00:00,500\nHola\n");
        await FfmpegAsync(folder,
            "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25:duration=0.2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=0.2", "-f", "lavfi", "-i", "sine=frequency=880:duration=0.2", "-i", subtitle,
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "51", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "16k", "-ac", "2", "-c:s", "srt",
            "-metadata:s:a:0", "language=eng", "-metadata:s:a:0", "title=English", "-metadata:s:a:1", "language=fre",
            "-metadata:s:s:0", "language=spa", "-disposition:a:0", "default", "-disposition:a:1", "0", "-disposition:s:0", "forced",
            H264);
        await FfmpegAsync(folder,
            "-f", "lavfi", "-i", "testsrc=size=3840x2160:rate=24:duration=0.1", "-f", "lavfi", "-i", "sine=duration=0.1",
            "-c:v", "libx265", "-preset", "ultrafast", "-crf", "51", "-pix_fmt", "yuv420p10le",
            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-x265-params", "log-level=error",
            "-c:a", "ac3", "-b:a", "64k", "-ac", "6", Hevc);
        // An MP4 keeps its index (moov) at the end: cut in half, it cannot be read.
        await FfmpegAsync(folder, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=0.2",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "51", "-pix_fmt", "yuv420p", "whole.mp4");
        var whole = await File.ReadAllBytesAsync(Path.Combine(folder, "whole.mp4"));
        await File.WriteAllBytesAsync(Path.Combine(folder, Truncated), whole[..(whole.Length / 2)]);
        await File.WriteAllTextAsync(Path.Combine(folder, NotMedia), "This is not a video.\n");
        return folder;
    }

    private static async Task FfmpegAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-v", "error", "-y" }.Concat(arguments)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.FinishWithinAsync(TimeSpan.FromMinutes(2), "ffmpeg");
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {await error}");
    }

    private static bool Exists(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, command)));
}

/// <summary>
/// A stand-in for ffprobe that notes the file of every probe (not the -version checks) in a log, then runs the real
/// ffprobe: how many times each file was probed is read from the log.
/// </summary>
public sealed class CountingFfprobe
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"media-ffprobe-{Guid.NewGuid():N}");

    public CountingFfprobe()
    {
        Directory.CreateDirectory(_folder);
        Executable = Path.Combine(_folder, "ffprobe");
        File.WriteAllText(Executable,
            $"#!/bin/sh\ncase \"$*\" in *-show_streams*) for last; do :; done; echo \"$last\" >> '{Log}';; esac\nexec ffprobe \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Executable { get; }

    private string Log => Path.Combine(_folder, "probes.log");

    /// <summary>The file names probed so far, in order.</summary>
    public IReadOnlyList<string> Probed => File.Exists(Log) ? File.ReadAllLines(Log).Select(Path.GetFileName).OfType<string>().ToList() : [];

    public void Delete() => Directory.Delete(_folder, recursive: true);
}
