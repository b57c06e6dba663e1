using System.Text;
using Media.Application.Parsing;

namespace Media.Tests.Parsing;

/// <summary>
/// Every labelled name of the corpus is a test case. The names the parser gets wrong today are listed in
/// known-misses.txt: they are skipped one by one, and the accuracy test fails when that list goes stale
/// (a new miss, or a listed name that now parses right), so the list is a baseline, never a hiding place.
/// </summary>
public sealed class NameParserCorpusTests
{
    public const double ExactTarget = 0.90;

    private static readonly HashSet<string> KnownMisses = File
        .ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Parsing", "known-misses.txt"))
        .Where(l => l.Length > 0)
        .ToHashSet(StringComparer.Ordinal);

    public static IEnumerable<TestCaseData> Cases() =>
        Corpus.Cases.Select(c => new TestCaseData(c).SetName($"Corpus {c.Source}: {c.Name}"));

    [TestCaseSource(nameof(Cases))]
    public void Parses_a_corpus_name(CorpusCase c)
    {
        if (KnownMisses.Contains(c.Name)) Assert.Ignore("A known miss (Parsing/known-misses.txt).");
        var parsed = NameParser.Parse(c.Name);
        Assert.That(Corpus.Misses(c, parsed), Is.Empty, $"parsed as {Describe(parsed)}");
    }

    [Test]
    public void Corpus_accuracy_meets_the_target_and_the_baseline_is_current()
    {
        var report = new StringBuilder();
        var perField = Corpus.Fields.ToDictionary(f => f, _ => 0);
        var misses = new List<string>();
        foreach (var c in Corpus.Cases)
        {
            var parsed = NameParser.Parse(c.Name);
            var missed = Corpus.Misses(c, parsed);
            foreach (var field in Corpus.Fields.Except(missed)) perField[field]++;
            if (missed.Count == 0) continue;
            misses.Add(c.Name);
            report.AppendLine($"{c.Source}\t{string.Join(',', missed)}\t{c.Name}\t=> {Describe(parsed)}\texpected {c.Kind}|{c.Title}|{c.Year}|{c.Season}|{string.Join(',', c.Episodes)}|abs {string.Join(',', c.Absolute ?? [])}");
        }
        var total = Corpus.Cases.Count;
        var exact = total - misses.Count;
        var summary = $"exact {exact}/{total} = {100.0 * exact / total:F1}%; " +
                      string.Join("; ", perField.Select(f => $"{f.Key} {100.0 * f.Value / total:F1}%"));
        TestContext.Out.WriteLine(summary);
        var missesFile = Environment.GetEnvironmentVariable("MEDIA_PARSER_MISSES");
        if (!string.IsNullOrEmpty(missesFile)) File.WriteAllText(missesFile, summary + "\n" + report);

        Assert.Multiple(() =>
        {
            Assert.That((double)exact / total, Is.GreaterThanOrEqualTo(ExactTarget), summary);
            Assert.That(misses.Except(KnownMisses), Is.Empty, "New misses: fix them, or add them to known-misses.txt with a reason to accept them.");
            Assert.That(KnownMisses.Except(misses), Is.Empty, "These now parse right: remove them from known-misses.txt.");
        });
    }

    private static string Describe(ParsedName p) =>
        $"{p.Kind}|{p.Title}|{p.Year}|{p.Season}|{string.Join(',', p.Episodes)}|abs {string.Join(',', p.AbsoluteEpisodes)}";
}
