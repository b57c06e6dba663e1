using Media.Application.Metadata;
using Media.Application.Parsing;
using Media.Domain.Unmatched;

namespace Media.Application.Scanning;

/// <summary>When a TMDB hit is the file's title for sure, and how likely each hit is when none is.</summary>
public static class MatchScoring
{
    /// <summary>
    /// Confident: the normalised title or original title is equal, and the year equal or off by one. Without a
    /// parsed year, only a single hit with an equal title is confident.
    /// </summary>
    public static MetadataCandidate? Confident(IReadOnlyList<MetadataCandidate> candidates, string title, int? year)
    {
        var wanted = NameParser.Normalize(title);
        if (wanted.Length == 0) return null;
        var equal = candidates.Where(c => NameParser.Normalize(c.Title) == wanted || NameParser.Normalize(c.OriginalTitle) == wanted).ToList();
        return ByYear(equal, c => c.Year, year);
    }

    /// <summary>
    /// Among titles already found equal: the one of the same year, else one a year off; without a year, only a
    /// single title is an answer.
    /// </summary>
    public static T? ByYear<T>(IReadOnlyList<T> equal, Func<T, int?> yearOf, int? year) where T : class
    {
        if (year is null) return equal.Count == 1 ? equal[0] : null;
        return equal.FirstOrDefault(c => yearOf(c) == year) ?? equal.FirstOrDefault(c => yearOf(c) is { } y && Math.Abs(y - year.Value) == 1);
    }

    /// <summary>Up to five suggestions, best first, scored in [0, 1] from title likeness, year and popularity.</summary>
    public static IReadOnlyList<MatchSuggestion> Suggestions(IEnumerable<MetadataCandidate> candidates, string? title, int? year)
    {
        var list = candidates.ToList();
        if (list.Count == 0) return [];
        var maxPopularity = Math.Max(1, list.Max(c => c.Popularity));
        return list
            .Select(c => new MatchSuggestion(c.TmdbId, c.Type, c.Title, c.Year, Math.Round(Score(c, title, year, maxPopularity), 3)))
            .DistinctBy(s => (s.Type, s.TmdbId))
            .OrderByDescending(s => s.Score).ThenBy(s => s.TmdbId)
            .Take(UnmatchedFile.MaxSuggestions)
            .ToList();
    }

    private static double Score(MetadataCandidate c, string? title, int? year, double maxPopularity)
    {
        var likeness = Math.Max(Likeness(title, c.Title), Likeness(title, c.OriginalTitle));
        var yearScore = year is null || c.Year is null ? 0.5 : Math.Abs(year.Value - c.Year.Value) switch { 0 => 1, 1 => 0.7, <= 3 => 0.3, _ => 0 };
        var popularity = Math.Clamp(c.Popularity / maxPopularity, 0, 1);
        return Math.Clamp(0.65 * likeness + 0.25 * yearScore + 0.10 * popularity, 0, 1);
    }

    /// <summary>Dice coefficient over the words of both titles (1 when the normalised titles are equal).</summary>
    internal static double Likeness(string? a, string? b)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b)) return 0;
        if (NameParser.Normalize(a) == NameParser.Normalize(b)) return 1;
        var left = Words(a);
        var right = Words(b);
        if (left.Count == 0 || right.Count == 0) return 0;
        var common = left.Intersect(right).Count();
        return 2.0 * common / (left.Count + right.Count);
    }

    private static HashSet<string> Words(string text) =>
        text.Split([' ', '.', '_', '-', ':', ',', '!', '?', '\'', '(', ')'], StringSplitOptions.RemoveEmptyEntries)
            .Select(NameParser.Normalize).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
}
