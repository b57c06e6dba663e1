using System.Text.Json;
using System.Text.Json.Serialization;
using Media.Application.Parsing;

namespace Media.Tests.Parsing;

/// <summary>One labelled name of ../shared/corpus/filenames.jsonl (copied beside this file).</summary>
public sealed record CorpusCase(
    string Name, string Kind, string? Title, int? Year, int? Season, int[] Episodes, int[]? Absolute,
    string Source, string[]? Unlabelled)
{
    public override string ToString() => Name;
}

/// <summary>
/// Scores the parser against the corpus. Titles compare normalised (letters and digits, case and accents ignored),
/// as the corpus's sources write them differently ("thedailyseries", "curse.of.chucky"). Sonarr labels season-less
/// (anime) numbers as <c>absolute</c>; guessit and Jellyfin call them <c>episodes</c>, so for their cases a parse
/// with only absolute numbers is compared as episodes.
/// </summary>
public static class Corpus
{
    public static readonly string[] Fields = ["kind", "title", "year", "season", "episodes"];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static IReadOnlyList<CorpusCase> Cases { get; } = Load();

    private static List<CorpusCase> Load()
    {
        var path = Path.Combine(TestContext.CurrentContext?.TestDirectory ?? AppContext.BaseDirectory, "Parsing", "filenames.jsonl");
        if (!File.Exists(path)) path = Path.Combine(AppContext.BaseDirectory, "Parsing", "filenames.jsonl");
        return File.ReadLines(path)
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<CorpusCase>(l, Json)!)
            .ToList();
    }

    /// <summary>The labelled fields the parse gets wrong; empty when it is exact.</summary>
    public static IReadOnlyList<string> Misses(CorpusCase c, ParsedName p)
    {
        var misses = new List<string>();
        var unlabelled = c.Unlabelled ?? [];
        var kind = p.Kind switch { ParsedKind.Movie => "movie", ParsedKind.Episode => "episode", _ => "other" };
        if (kind != c.Kind) misses.Add("kind");
        if (!unlabelled.Contains("title") && NameParser.Normalize(p.Title) != NameParser.Normalize(c.Title)) misses.Add("title");
        if (!unlabelled.Contains("year") && p.Year != c.Year) misses.Add("year");
        if (!unlabelled.Contains("season") && p.Season != c.Season) misses.Add("season");
        if (!unlabelled.Contains("episodes") && !EpisodesMatch(c, p)) misses.Add("episodes");
        return misses;
    }

    private static bool EpisodesMatch(CorpusCase c, ParsedName p)
    {
        if (c.Source == "sonarr")
            return p.Episodes.SequenceEqual(c.Episodes) && p.AbsoluteEpisodes.SequenceEqual(c.Absolute ?? []);
        return p.Episodes.SequenceEqual(c.Episodes) || (p.Episodes.Count == 0 && p.AbsoluteEpisodes.SequenceEqual(c.Episodes));
    }
}
