using Media.Domain.Common;

namespace Media.Domain.Naming;

public enum TemplateKind { Movie, Episode }

/// <summary>How imported files are named, e.g. "{Title} ({Year})/{Title} ({Year})".</summary>
public sealed class NameTemplate
{
    private NameTemplate() { } // for EF

    public NameTemplateId Id { get; private set; }
    public string Name { get; private set; } = "";
    public TemplateKind Kind { get; private set; }
    public string Pattern { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public static NameTemplate Create(string name, TemplateKind kind, string pattern, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A name is required.", nameof(name));
        if (string.IsNullOrWhiteSpace(pattern)) throw new ArgumentException("A pattern is required.", nameof(pattern));
        return new NameTemplate { Id = NameTemplateId.New(), Name = name.Trim(), Kind = kind, Pattern = pattern, CreatedAt = at };
    }
}
