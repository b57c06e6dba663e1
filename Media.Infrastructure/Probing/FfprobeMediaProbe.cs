using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Media.Application.Probing;
using Media.Domain.Probes;

namespace Media.Infrastructure.Probing;

/// <summary>Probes: the ffprobe executable, how long one probe may take, how many run at once in this process.</summary>
public sealed record ProbeOptions(string FfprobePath, TimeSpan Timeout, int Parallel)
{
    public static ProbeOptions Default => new("ffprobe", TimeSpan.FromSeconds(30), Math.Max(2, Environment.ProcessorCount));
}

/// <summary>
/// Runs <c>ffprobe -v error -print_format json -show_format -show_streams</c> on a file and reads its JSON. At most
/// <see cref="ProbeOptions.Parallel"/> run at once (the worker and imports share the bound); one that takes longer than
/// <see cref="ProbeOptions.Timeout"/> is killed and reported as failed. A file ffprobe refuses gives its message.
/// </summary>
internal sealed class FfprobeMediaProbe(ProbeOptions options) : IMediaProbe, IDisposable
{
    private const int MaxMessageLength = 1000;
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Parallel));
    private (DateTimeOffset At, string? Reason)? _availability;

    public void Dispose() => _slots.Dispose();

    public async Task<string?> UnavailableReasonAsync(CancellationToken ct)
    {
        if (_availability is { } known && DateTimeOffset.UtcNow - known.At < TimeSpan.FromMinutes(1)) return known.Reason;
        string? reason;
        try
        {
            var (exit, _, error) = await RunAsync(["-version"], ct);
            reason = exit == 0 ? null : $"'{options.FfprobePath} -version' exited with {exit}: {Shorten(error)}";
        }
        catch (Win32Exception e)
        {
            reason = NotInstalled(e);
        }
        catch (TimeoutException)
        {
            reason = $"'{options.FfprobePath} -version' did not answer within {options.Timeout.TotalSeconds:0} s.";
        }
        _availability = (DateTimeOffset.UtcNow, reason);
        return reason;
    }

    public async Task<ProbeResult> ProbeAsync(string localPath, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            // "file:" keeps a name with a colon, or one starting with '-', from being read as a protocol or an option.
            var (exit, output, error) = await RunAsync(
                ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-i", "file:" + localPath], ct);
            if (exit != 0)
                return ProbeResult.Failed(Shorten(error.Replace("file:" + localPath, Path.GetFileName(localPath), StringComparison.Ordinal)) is { Length: > 0 } message
                    ? message : $"ffprobe exited with {exit}.");
            var media = Read(output);
            return media.Streams.Count == 0 ? ProbeResult.Failed("ffprobe found no streams in the file.") : ProbeResult.Read(media);
        }
        catch (Win32Exception e)
        {
            return ProbeResult.NotAvailable(NotInstalled(e));
        }
        catch (TimeoutException)
        {
            return ProbeResult.Failed($"ffprobe did not finish within {options.Timeout.TotalSeconds:0} s (Probes__Timeout).");
        }
        catch (JsonException e)
        {
            return ProbeResult.Failed($"ffprobe's answer could not be read: {e.Message}");
        }
        finally
        {
            _slots.Release();
        }
    }

    private string NotInstalled(Win32Exception e) =>
        $"ffprobe could not be started ('{options.FfprobePath}': {e.Message}); install ffmpeg or set Probes__FfprobePath.";

    private async Task<(int Exit, string Output, string Error)> RunAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(options.FfprobePath)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new Win32Exception("The process did not start.");
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await error);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already gone */ }
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException();
        }
    }

    private static string Shorten(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= MaxMessageLength ? trimmed : trimmed[..MaxMessageLength];
    }

    /// <summary>ffprobe's JSON (numbers in strings, "0/0" rates, "und" languages) as the domain's facts.</summary>
    internal static ProbedMedia Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var streams = new List<MediaStream>();
        if (root.TryGetProperty("streams", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var s in list.EnumerateArray()) streams.Add(Stream(s));
        string? container = null;
        double? duration = null;
        long? bitRate = null;
        if (root.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Object)
        {
            container = Text(format, "format_name");
            duration = Number(format, "duration");
            bitRate = Number(format, "bit_rate") is { } rate ? (long)rate : null;
        }
        return new ProbedMedia(container, duration, bitRate, streams);
    }

    private static MediaStream Stream(JsonElement s)
    {
        var disposition = s.TryGetProperty("disposition", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        bool Flag(string name) => disposition.ValueKind == JsonValueKind.Object && disposition.TryGetProperty(name, out var f)
            && f.ValueKind == JsonValueKind.Number && f.GetInt32() != 0;
        var kind = Text(s, "codec_type") switch
        {
            "video" when Flag("attached_pic") => StreamKind.Attachment, // cover art
            "video" => StreamKind.Video,
            "audio" => StreamKind.Audio,
            "subtitle" => StreamKind.Subtitle,
            "attachment" => StreamKind.Attachment,
            _ => StreamKind.Data,
        };
        var tags = s.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        string? Tag(string name) => tags.ValueKind == JsonValueKind.Object
            ? tags.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: JsonValueKind.String } v
                ? v.GetString() : null
            : null;
        var language = Tag("language")?.Trim().ToLowerInvariant();
        var video = kind == StreamKind.Video;
        var audio = kind == StreamKind.Audio;
        var sideData = s.TryGetProperty("side_data_list", out var sd) && sd.ValueKind == JsonValueKind.Array
            ? sd.EnumerateArray().Select(x => Text(x, "side_data_type")).OfType<string>().ToList()
            : [];
        return new MediaStream(
            Index: s.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : 0,
            Kind: kind,
            Codec: Cut(Text(s, "codec_name")),
            Profile: Cut(Text(s, "profile")),
            Width: video ? Integer(s, "width") : null,
            Height: video ? Integer(s, "height") : null,
            FrameRate: video ? FrameRate(Text(s, "avg_frame_rate")) ?? FrameRate(Text(s, "r_frame_rate")) : null,
            BitDepth: video || audio ? BitDepth(s, video) : null,
            HdrFormat: video ? HdrFormats.From(Text(s, "color_transfer"), sideData) : null,
            Channels: audio ? Integer(s, "channels") : null,
            ChannelLayout: audio ? Cut(Text(s, "channel_layout")) : null,
            Language: language is null or "und" or "" ? null : Cut(language),
            Title: Cut(Tag("title")),
            IsDefault: Flag("default"),
            IsForced: Flag("forced"));
    }

    /// <summary>bits_per_raw_sample when ffprobe gives it; for video else the pixel format's depth ("yuv420p10le" is 10).</summary>
    private static int? BitDepth(JsonElement s, bool video)
    {
        if (Integer(s, "bits_per_raw_sample") is > 0 and var raw) return raw;
        if (!video) return Integer(s, "bits_per_sample") is > 0 and var bits ? bits : null;
        var format = Text(s, "pix_fmt");
        if (format is null) return null;
        // "yuv420p10le": the digits after the 'p' are the depth; "yuv420p" has none (8 bits).
        var depth = format.IndexOf('p', StringComparison.Ordinal) is var p and >= 0
            ? new string(format[(p + 1)..].TakeWhile(char.IsDigit).ToArray()) : "";
        return depth.Length > 0 && int.TryParse(depth, CultureInfo.InvariantCulture, out var n) ? n : 8;
    }

    private static double? FrameRate(string? rate)
    {
        if (rate is null) return null;
        var parts = rate.Split('/');
        if (parts.Length != 2 || !double.TryParse(parts[0], CultureInfo.InvariantCulture, out var a) || !double.TryParse(parts[1], CultureInfo.InvariantCulture, out var b) || a <= 0 || b <= 0)
            return null;
        return Math.Round(a / b, 3);
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null;
    }

    private static int? Integer(JsonElement e, string name) => Number(e, name) is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;

    private static string? Cut(string? text) => text is null || text.Length <= MediaStream.MaxTextLength ? text : text[..MediaStream.MaxTextLength];
}

/// <summary>
/// Probes__*: on or off; the adapter's options; how many probes at once while this instance scans (default 0: none);
/// how often an empty queue is read; how long a claim lives without a result before another instance takes the file.
/// </summary>
public sealed record ProbeSettings(bool Enabled, ProbeOptions Options, int WhileScanning, TimeSpan PollInterval, TimeSpan LeaseTimeout)
{
    /// <summary>A batch claims this many files per probe slot.</summary>
    public int BatchPerSlot => 4;

    public static ProbeSettings From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var section = configuration.GetSection("Probes");
        var defaults = ProbeOptions.Default;
        var options = new ProbeOptions(
            section["FfprobePath"] is { Length: > 0 } path ? path : defaults.FfprobePath,
            TimeSpan.TryParse(section["Timeout"], CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero ? timeout : defaults.Timeout,
            int.TryParse(section["Parallel"], CultureInfo.InvariantCulture, out var parallel) && parallel > 0 ? parallel : defaults.Parallel);
        return new ProbeSettings(
            !bool.TryParse(section["Enabled"], out var enabled) || enabled,
            options,
            int.TryParse(section["WhileScanning"], CultureInfo.InvariantCulture, out var during) && during >= 0 ? during : 0,
            TimeSpan.TryParse(section["PollInterval"], CultureInfo.InvariantCulture, out var poll) && poll > TimeSpan.Zero ? poll : TimeSpan.FromSeconds(2),
            TimeSpan.TryParse(section["LeaseTimeout"], CultureInfo.InvariantCulture, out var lease) && lease > TimeSpan.Zero ? lease : TimeSpan.FromMinutes(5));
    }
}
