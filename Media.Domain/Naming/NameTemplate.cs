using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
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

    public const string DefaultMoviePattern = "{Title} ({Year})/{Title} ({Year})";
    public const string DefaultEpisodePattern = "{Series Title} ({Year})/Season {Season:00}/{Series Title} - S{Season:00}E{Episode:00} - {Episode Title}";

    public static NameTemplate Create(string name, TemplateKind kind, string pattern, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A name is required.", nameof(name));
        if (string.IsNullOrWhiteSpace(pattern)) throw new ArgumentException("A pattern is required.", nameof(pattern));
        return new NameTemplate { Id = NameTemplateId.New(), Name = name.Trim(), Kind = kind, Pattern = pattern, CreatedAt = at };
    }

    public void Change(string name, TemplateKind kind, string pattern)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A name is required.", nameof(name));
        if (string.IsNullOrWhiteSpace(pattern)) throw new ArgumentException("A pattern is required.", nameof(pattern));
        (Name, Kind, Pattern) = (name.Trim(), kind, pattern);
    }

    /// <summary>The library-relative path (without extension) this template gives a title.</summary>
    public Result<string> Render(NamingValues values) => TemplateRenderer.Render(Pattern, Kind, values);
}

/// <summary>What a name is made of. Episodes are the file's episode numbers, in order; a movie has none.</summary>
public sealed record NamingValues(
    string Title, int? Year, int TmdbId, string? OriginalTitle = null, string? Resolution = null,
    int? Season = null, IReadOnlyList<int>? Episodes = null, string? EpisodeTitle = null);

/// <summary>
/// Renders name templates: tokens like {Title}, {Year}, {Season:00}; characters no file system accepts replaced;
/// each path segment kept under 200 characters; never a path that leaves the library ("..", absolute, empty).
/// </summary>
public static partial class TemplateRenderer
{
    public const int MaxSegmentLength = 200;

    private static readonly string[] MovieTokens = ["Title", "Year", "TmdbId", "Original Title", "Resolution"];
    private static readonly string[] EpisodeTokens = ["Series Title", "Title", "Year", "TmdbId", "Original Title", "Resolution", "Season", "Episode", "Episode Title"];

    /// <summary>Checks a pattern without values: unknown tokens, or episode tokens in a movie template, are refused.</summary>
    public static Result Validate(string? pattern, TemplateKind kind)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return Error.Validation("pattern", "A pattern is required.");
        if (pattern.Length > 1000) return Error.Validation("pattern", "The pattern is longer than 1000 characters.");
        if (pattern.StartsWith('/') || pattern.StartsWith('\\')) return Error.Validation("pattern", "A pattern is relative to the library root.");
        var allowed = kind == TemplateKind.Movie ? MovieTokens : EpisodeTokens;
        foreach (Match token in Token().Matches(pattern))
        {
            var name = token.Groups["name"].Value;
            if (!allowed.Contains(name, StringComparer.Ordinal))
                return Error.Validation("pattern", $"Unknown token {{{name}}} for a {kind.ToString().ToLowerInvariant()} template; use {string.Join(", ", allowed.Select(a => "{" + a + "}"))}.");
            if (token.Groups["format"].Success && !FormatPattern().IsMatch(token.Groups["format"].Value))
                return Error.Validation("pattern", $"Unknown format '{token.Groups["format"].Value}' in {{{name}}}; use zeros, like {{Season:00}}.");
        }
        if (pattern.Count(c => c == '{') != pattern.Count(c => c == '}')) return Error.Validation("pattern", "The pattern's braces do not pair up.");
        if (kind == TemplateKind.Episode && !pattern.Contains("{Episode", StringComparison.Ordinal))
            return Error.Validation("pattern", "An episode template needs {Episode} (or {Episode:00}) so that episodes get different names.");
        return Result.Ok();
    }

    public static Result<string> Render(string pattern, TemplateKind kind, NamingValues values)
    {
        var valid = Validate(pattern, kind);
        if (valid.IsFailure) return valid.Error!;
        if (kind == TemplateKind.Episode && (values.Season is null || values.Episodes is not { Count: > 0 }))
            return Error.Validation("episodes", "An episode name needs a season and at least one episode.");

        var rendered = Token().Replace(pattern, token =>
        {
            var name = token.Groups["name"].Value;
            var format = token.Groups["format"].Success ? token.Groups["format"].Value : null;
            var before = token.Index > 0 ? pattern[token.Index - 1] : ' ';
            var text = name switch
            {
                "Title" or "Series Title" => values.Title,
                "Original Title" => values.OriginalTitle ?? values.Title,
                "Year" => values.Year?.ToString(CultureInfo.InvariantCulture) ?? "",
                "TmdbId" => values.TmdbId.ToString(CultureInfo.InvariantCulture),
                "Resolution" => values.Resolution ?? "",
                "Season" => Number(values.Season!.Value, format),
                "Episode" => string.Join(before is 'E' or 'e' ? "-E" : "-", values.Episodes!.Select(e => Number(e, format))),
                "Episode Title" => values.EpisodeTitle ?? "",
                _ => "",
            };
            return Clean(text);
        });

        var segments = rendered.Split('/').Select(TidySegment).Where(s => s.Length > 0).ToList();
        if (segments.Count == 0) return Error.Validation("pattern", "The template gives an empty name.");
        var path = string.Join('/', segments);
        return RelativePath.Normalize(path, "pattern");
    }

    private static string Number(int value, string? format) =>
        format is null ? value.ToString(CultureInfo.InvariantCulture) : value.ToString(new string('0', format.Length), CultureInfo.InvariantCulture);

    /// <summary>A value may not add folders or characters that Windows, macOS or Linux file systems refuse.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c)) continue;
            builder.Append(c switch
            {
                '/' or '\\' or '|' => '-',
                ':' => '-',
                '*' or '?' or '"' or '<' or '>' => '_',
                _ => c,
            });
        }
        return builder.ToString();
    }

    /// <summary>Empty parts and leftovers like "()" or " - " from missing values go; trailing dots and spaces too.</summary>
    private static string TidySegment(string segment)
    {
        var s = EmptyBrackets().Replace(segment, "");
        s = DanglingDash().Replace(s, "");
        s = Spaces().Replace(s, " ").Trim().TrimStart('.', ' ').TrimEnd('.', ' '); // no hidden names
        if (s is "." or "..") return "";
        if (s.Length > MaxSegmentLength) s = s[..MaxSegmentLength].TrimEnd('.', ' ');
        return s;
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z][A-Za-z ]*?)(?::(?<format>[^}]*))?\}")]
    private static partial Regex Token();

    [GeneratedRegex(@"^0+$")]
    private static partial Regex FormatPattern();

    [GeneratedRegex(@"\(\s*\)|\[\s*\]")]
    private static partial Regex EmptyBrackets();

    [GeneratedRegex(@"(\s+-\s*)+$|^(\s*-\s+)+")]
    private static partial Regex DanglingDash();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Spaces();
}

public static class NameTemplateErrors
{
    public static Error NotFound(NameTemplateId id) => Error.NotFound("name_template.not_found", $"Name template {id.Value} does not exist.");
}
