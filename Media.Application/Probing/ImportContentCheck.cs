using Media.Application.Policies;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.Policies;
using Media.Domain.Probes;

namespace Media.Application.Probing;

/// <summary>The verdict on a downloaded file's content: a refusal (a stable code and why) or notes for the import record.</summary>
public sealed record ContentVerdict(string? RefusalCode, string? Refusal, IReadOnlyList<string> Notes)
{
    public bool Refused => RefusalCode is not null;
    public static ContentVerdict Accept(params string[] notes) => new(null, null, notes);
    public static ContentVerdict Refuse(string code, string why) => new(code, why, []);
}

/// <summary>
/// Judges a finished download by what is inside it, before anything is imported: the library's content rules
/// (resolution on the real frame size, video codec, HDR, audio language), and for an upgrade whether its picture is
/// better than the current file's. ffprobe runs only when a rule or an upgrade needs it.
/// </summary>
public sealed class ImportContentCheck(IPolicyRepository policies, IMediaProbe probe, IProbeReader kept)
{
    public const string PolicyRejected = "policy_rejected";
    public const string NotAnUpgrade = "not_an_upgrade";

    public async Task<ContentVerdict> JudgeAsync(Library library, string sourcePath, long sourceSize, MediaFile? replaced, CancellationToken ct)
    {
        var rules = (await policies.ListAsync(new PoliciesOf(library.Id), ct))
            .Where(p => p.JudgesContent || p.Rules.Any(r => r.Kind == RuleKind.Resolution)).ToList();
        // The same bytes again (a retried import): the transfer finds them there; nothing to compare.
        var upgrade = replaced is not null && replaced.State.Size != sourceSize;
        if (rules.Count == 0 && !upgrade) return ContentVerdict.Accept();

        var source = await probe.ProbeAsync(sourcePath, ct);
        if (source.Unavailable && rules.Any(p => p.JudgesContent))
            return ContentVerdict.Refuse(ProbeErrors.FailedCode, $"The file's content rules cannot be checked: {source.Error}");
        var reasons = source.Media is { } media
            ? rules.SelectMany(p => p.ContentReasons(media)).ToList()
            : rules.SelectMany(p => p.UnreadableReasons(source.Error ?? "unreadable")).ToList();
        if (reasons.Count > 0) return ContentVerdict.Refuse(PolicyRejected, string.Join(" ", reasons));
        if (!upgrade) return ContentVerdict.Accept();

        var current = await CurrentAsync(library, replaced!, ct);
        return (source.Media, current.Media) switch
        {
            ({ } better, { } old) when better.Quality.IsBetterThan(old.Quality) =>
                ContentVerdict.Accept($"An upgrade: {Describe(better)} replaces {Describe(old)}."),
            ({ } same, { } old) => ContentVerdict.Refuse(NotAnUpgrade,
                $"Not an upgrade: the new file is {Describe(same)}, the current one {Describe(old)}; the current file stays."),
            (null, { } old) when !source.Unavailable => ContentVerdict.Refuse(NotAnUpgrade,
                $"Not an upgrade: the new file could not be read ({source.Error}), the current one is {Describe(old)}; the current file stays."),
            ({ } better, null) => ContentVerdict.Accept($"An upgrade: the current file could not be read ({current.Error}); {Describe(better)} replaces it."),
            _ => ContentVerdict.Accept($"Quality not compared: {source.Error ?? current.Error}."),
        };
    }

    /// <summary>The current file's kept probe when it describes the file as it is; else a probe of it now (local libraries).</summary>
    private async Task<ProbeResult> CurrentAsync(Library library, MediaFile file, CancellationToken ct)
    {
        if (await kept.FindAsync(file.Id, ct) is { Probe.Status: ProbeStatus.Probed } known && known.Probe.FileSize == file.State.Size)
            return ProbeResult.Read(new ProbedMedia(known.Probe.Container, known.Probe.DurationSeconds, known.Probe.BitRate, known.Streams));
        if (library.Storage.Provider != StorageLocation.LocalProvider)
            return ProbeResult.NotAvailable($"the current file is in {library.Storage.Provider} storage and has no probe yet");
        return await probe.ProbeAsync(Path.Combine(library.Storage.Root, file.Path), ct);
    }

    private static string Describe(ProbedMedia media) => media.Video is { } v
        ? $"{media.Resolution} ({v.Width}x{v.Height}){(media.HdrFormat is { } hdr ? $" {hdr}" : "")}, {v.BitDepth ?? 8}-bit {v.Codec}"
        : "without video";
}
