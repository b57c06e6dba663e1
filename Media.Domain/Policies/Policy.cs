using Media.Domain.Common;

namespace Media.Domain.Policies;

public enum RuleKind { Resolution, MinSize, MaxSize, RequiredWord, ForbiddenWord }

public enum ActionKind { ImportMethod, NameTemplate, RemoveTorrent }

/// <summary>Accepts or rejects a release by what its name and size say.</summary>
public sealed record Rule(RuleKind Kind, string Value);

/// <summary>Says what an import does: hardlink or copy, which name template, whether the torrent stays.</summary>
public sealed record PolicyAction(ActionKind Kind, string Value);

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
}
