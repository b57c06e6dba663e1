using Media.Domain.Common;

namespace Media.Domain.Policies;

public enum RuleKind { Resolution, MinSize, MaxSize, RequiredWord, ForbiddenWord }

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

    /// <summary>Checks one rule's value; the message when it is not valid.</summary>
    public static string? Check(Rule rule) => rule.Kind switch
    {
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
