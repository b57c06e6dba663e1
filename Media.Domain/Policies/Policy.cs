using Media.Domain.Common;
using Media.Domain.Probes;

namespace Media.Domain.Policies;

/// <summary>
/// Name and size rules judge a release by what it says; <see cref="VideoCodec"/> to <see cref="ForbiddenAudioLanguage"/>
/// judge the downloaded file by what ffprobe reads in it, before it is imported (and <see cref="Resolution"/> then judges the
/// real frame size too).
/// </summary>
public enum RuleKind { Resolution, MinSize, MaxSize, RequiredWord, ForbiddenWord, VideoCodec, ForbiddenVideoCodec, Hdr, AudioLanguage, ForbiddenAudioLanguage }

public enum ActionKind { ImportMethod, NameTemplate, RemoveTorrent }

/// <summary>Accepts or rejects a release by what its name and size say.</summary>
public sealed record Rule(RuleKind Kind, string Value);

/// <summary>Says what an import does: hardlink or copy, which name template, whether the torrent stays.</summary>
public sealed record PolicyAction(ActionKind Kind, string Value);

/// <summary>What a release says about itself when a job is created or imported: its name, size (when known) and resolution.</summary>
public sealed record ReleaseFacts(string Name, long? Size, string? Resolution);

/// <summary>A library's rules for what it accepts and how it imports.</summary>
public sealed class Policy
{
    private readonly List<Rule> _rules = [];
    private readonly List<PolicyAction> _actions = [];

    private Policy() { } // for EF

    public PolicyId Id { get; private set; }
    public LibraryId LibraryId { get; private set; }
    public string Name { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyCollection<Rule> Rules => _rules;
    public IReadOnlyCollection<PolicyAction> Actions => _actions;

    public static Policy Create(LibraryId library, string name, IEnumerable<Rule> rules, IEnumerable<PolicyAction> actions, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A name is required.", nameof(name));
        var policy = new Policy { Id = PolicyId.New(), LibraryId = library, Name = name.Trim(), CreatedAt = at };
        policy._rules.AddRange(rules);
        policy._actions.AddRange(actions);
        return policy;
    }

    public void Change(string name, IEnumerable<Rule> rules, IEnumerable<PolicyAction> actions)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A name is required.", nameof(name));
        Name = name.Trim();
        _rules.Clear();
        _rules.AddRange(rules);
        _actions.Clear();
        _actions.AddRange(actions);
    }

    /// <summary>Why the release is rejected; empty when every rule accepts it. A size rule passes while the size is unknown.</summary>
    public IReadOnlyList<string> Reasons(ReleaseFacts release)
    {
        var reasons = new List<string>();
        var words = Words(release.Name);
        foreach (var rule in _rules)
        {
            switch (rule.Kind)
            {
                case RuleKind.Resolution:
                    var allowed = rule.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (!allowed.Contains(release.Resolution ?? "", StringComparer.OrdinalIgnoreCase))
                        reasons.Add($"{Name}: resolution {release.Resolution ?? "unknown"} is not one of {string.Join(", ", allowed)}.");
                    break;
                case RuleKind.MinSize when release.Size is { } size && PolicyRules.Bytes(rule.Value) is { } min && size < min:
                    reasons.Add($"{Name}: {size:N0} bytes is under the minimum of {rule.Value}.");
                    break;
                case RuleKind.MaxSize when release.Size is { } size && PolicyRules.Bytes(rule.Value) is { } max && size > max:
                    reasons.Add($"{Name}: {size:N0} bytes is over the maximum of {rule.Value}.");
                    break;
                case RuleKind.RequiredWord when !ContainsWords(words, rule.Value):
                    reasons.Add($"{Name}: the release name lacks the required word '{rule.Value}'.");
                    break;
                case RuleKind.ForbiddenWord when ContainsWords(words, rule.Value):
                    reasons.Add($"{Name}: the release name has the forbidden word '{rule.Value}'.");
                    break;
            }
        }
        return reasons;
    }

    /// <summary>True when a rule needs to know what is inside the file (judged before import, on the probed file).</summary>
    public bool JudgesContent => _rules.Exists(r => PolicyRules.IsContentRule(r.Kind));

    /// <summary>
    /// Why the downloaded file is rejected by what is inside it; empty when every content rule accepts it. A resolution
    /// rule judges the probed frame size here (a release named 1080p whose video is 1280x720 is 720p).
    /// </summary>
    public IReadOnlyList<string> ContentReasons(ProbedMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var reasons = new List<string>();
        var video = media.Video;
        var size = video is { Width: { } w, Height: { } h } ? $" ({w}x{h})" : "";
        foreach (var rule in _rules)
        {
            var values = PolicyRules.Values(rule.Value);
            switch (rule.Kind)
            {
                // A probed frame is classed 480p to 2160p: 576p (PAL SD) is the 480p class.
                case RuleKind.Resolution when !values.Select(v => v == "576p" ? ResolutionClass.Sd : v).Contains(media.Resolution ?? ""):
                    reasons.Add($"{Name}: the video is {media.Resolution ?? "absent"}{size}, not one of {string.Join(", ", values)}.");
                    break;
                case RuleKind.VideoCodec when !values.Contains(media.VideoCodec ?? "", StringComparer.OrdinalIgnoreCase):
                    reasons.Add($"{Name}: the video codec is {media.VideoCodec ?? "absent"}, not one of {string.Join(", ", values)}.");
                    break;
                case RuleKind.ForbiddenVideoCodec when values.Contains(media.VideoCodec ?? "", StringComparer.OrdinalIgnoreCase):
                    reasons.Add($"{Name}: the video codec {media.VideoCodec} is forbidden.");
                    break;
                case RuleKind.Hdr when PolicyRules.HdrRefusal(rule.Value, media.HdrFormat) is { } why:
                    reasons.Add($"{Name}: {why}");
                    break;
                case RuleKind.AudioLanguage when !values.Any(v => media.AudioLanguages.Contains(v, StringComparer.OrdinalIgnoreCase)):
                    reasons.Add($"{Name}: no audio stream in {string.Join(" or ", values)} (audio: {Languages(media)}).");
                    break;
                case RuleKind.ForbiddenAudioLanguage when media.AudioLanguages.FirstOrDefault(l => values.Contains(l, StringComparer.OrdinalIgnoreCase)) is { } found:
                    reasons.Add($"{Name}: an audio stream is in the forbidden language {found}.");
                    break;
            }
        }
        return reasons;
    }

    /// <summary>What a content rule says when the file could not be read: every content rule rejects it.</summary>
    public IReadOnlyList<string> UnreadableReasons(string why) =>
        JudgesContent ? [$"{Name}: the file could not be probed, so its content rules cannot accept it ({why})."] : [];

    private static string Languages(ProbedMedia media) => media.AudioLanguages.Count == 0 ? "no language tags" : string.Join(", ", media.AudioLanguages);

    public string? Action(ActionKind kind) => _actions.LastOrDefault(a => a.Kind == kind)?.Value;

    private static string[] Words(string name) =>
        name.Split([' ', '.', '_', '-', '[', ']', '(', ')'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToLowerInvariant()).ToArray();

    private static bool ContainsWords(string[] words, string phrase)
    {
        var wanted = Words(phrase);
        if (wanted.Length == 0) return false;
        for (var i = 0; i + wanted.Length <= words.Length; i++)
            if (wanted.Select((w, j) => words[i + j] == w).All(x => x)) return true;
        return false;
    }
}

public static class PolicyRules
{
    public static readonly IReadOnlyList<string> ImportMethods = ["hardlink", "copy", "hardlink_only"];

    /// <summary>"700MB", "4.5GB", "123456": bytes; null when not a size.</summary>
    public static long? Bytes(string value)
    {
        var v = value.Trim().ToUpperInvariant();
        var (number, factor) = v.EndsWith("GB", StringComparison.Ordinal) ? (v[..^2], 1L << 30)
            : v.EndsWith("MB", StringComparison.Ordinal) ? (v[..^2], 1L << 20)
            : v.EndsWith("KB", StringComparison.Ordinal) ? (v[..^2], 1L << 10)
            : (v, 1L);
        return double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0
            ? (long)(n * factor) : null;
    }

    public static bool IsContentRule(RuleKind kind) =>
        kind is RuleKind.VideoCodec or RuleKind.ForbiddenVideoCodec or RuleKind.Hdr or RuleKind.AudioLanguage or RuleKind.ForbiddenAudioLanguage;

    /// <summary>A comma-separated rule value, trimmed, lower case.</summary>
    public static IReadOnlyList<string> Values(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant()).ToList();

    /// <summary>
    /// An <c>hdr</c> rule: <c>required</c> (any HDR format), <c>forbidden</c> (SDR only), or the formats accepted
    /// (<c>hdr10,dolby_vision</c>). Why the video's format is refused, or null.
    /// </summary>
    public static string? HdrRefusal(string rule, string? format) => rule.Trim().ToLowerInvariant() switch
    {
        "required" => format is null ? "the video is SDR; HDR is required." : null,
        "forbidden" => format is not null ? $"the video is HDR ({format}); HDR is forbidden." : null,
        _ => Values(rule).Contains(format ?? "") ? null : $"the video is {format ?? "SDR"}, not one of {string.Join(", ", Values(rule))}.",
    };

    /// <summary>Checks one rule's value; the message when it is not valid.</summary>
    public static string? Check(Rule rule) => rule.Kind switch
    {
        RuleKind.VideoCodec or RuleKind.ForbiddenVideoCodec when Values(rule.Value) is var codecs
            && (codecs.Count == 0 || codecs.Any(c => c.Length > 32 || !c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))) =>
            "ffprobe codec names, comma separated (h264, hevc, av1, mpeg4...).",
        RuleKind.Hdr when rule.Value.Trim().ToLowerInvariant() is not ("required" or "forbidden")
            && (Values(rule.Value).Count == 0 || Values(rule.Value).Any(f => !HdrFormats.All.Contains(f))) =>
            "required, forbidden, or formats among dolby_vision, hdr10plus, hdr10, hlg (comma separated).",
        RuleKind.AudioLanguage or RuleKind.ForbiddenAudioLanguage when Values(rule.Value) is var languages
            && (languages.Count == 0 || languages.Any(l => l.Length is < 2 or > 3 || !l.All(char.IsAsciiLetterLower))) =>
            "Language codes as files tag them (ISO 639-2: eng, fre, ger...), comma separated.",
        RuleKind.Resolution when rule.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(r => r is not ("480p" or "576p" or "720p" or "1080p" or "2160p")) => "Resolutions are 480p, 576p, 720p, 1080p, 2160p (comma separated).",
        RuleKind.MinSize or RuleKind.MaxSize when Bytes(rule.Value) is null => "A size like 700MB, 4.5GB or a number of bytes.",
        RuleKind.RequiredWord or RuleKind.ForbiddenWord when string.IsNullOrWhiteSpace(rule.Value) || rule.Value.Length > 100 => "A word of 1 to 100 characters.",
        _ => null,
    };

    public static string? Check(PolicyAction action) => action.Kind switch
    {
        ActionKind.ImportMethod when !ImportMethods.Contains(action.Value) => "hardlink, copy or hardlink_only.",
        ActionKind.NameTemplate when !Guid.TryParse(action.Value, out _) => "The id of a name template.",
        ActionKind.RemoveTorrent when action.Value is not ("true" or "false") => "true or false.",
        _ => null,
    };
}

public enum ImportMethodChoice { Hardlink, Copy, HardlinkOnly }

/// <summary>
/// What a library's policies say an import does, typed: the method, the name template, whether the torrent goes.
/// Policies are read in order; the last one that says something about an action decides it.
/// </summary>
public sealed record ImportActions(ImportMethodChoice? Method, NameTemplateId? Template, bool RemoveTorrent)
{
    public static readonly ImportActions None = new(null, null, false);

    public static ImportActions Of(IEnumerable<Policy> policies)
    {
        var actions = policies.SelectMany(p => p.Actions).ToList();
        string? Last(ActionKind kind) => actions.LastOrDefault(a => a.Kind == kind)?.Value;
        ImportMethodChoice? method = Last(ActionKind.ImportMethod) switch
        {
            "hardlink" => ImportMethodChoice.Hardlink,
            "copy" => ImportMethodChoice.Copy,
            "hardlink_only" => ImportMethodChoice.HardlinkOnly,
            _ => null,
        };
        NameTemplateId? template = Guid.TryParse(Last(ActionKind.NameTemplate), out var id) ? new NameTemplateId(id) : null;
        return new ImportActions(method, template, Last(ActionKind.RemoveTorrent) == "true");
    }
}

public static class PolicyErrors
{
    public static Error NotFound(PolicyId id) => Error.NotFound("policy.not_found", $"Policy {id.Value} does not exist.");
}
