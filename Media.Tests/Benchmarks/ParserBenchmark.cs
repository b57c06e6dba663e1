using System.Diagnostics;
using System.Text.Json.Nodes;
using Media.Application.Parsing;
using Media.Tests.Parsing;

namespace Media.Tests.Benchmarks;

/// <summary>Names per second over the corpus, on one thread. Target: at least 100,000.</summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class ParserBenchmark
{
    [Test]
    public void Parses_the_corpus_on_one_core()
    {
        var names = Corpus.Cases.Select(c => c.Name).ToArray();
        for (var i = 0; i < 20; i++) foreach (var name in names) NameParser.Parse(name); // warm-up: tiered JIT

        var rates = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            var count = 0;
            while (clock.ElapsedMilliseconds < 1000)
            {
                foreach (var name in names) NameParser.Parse(name);
                count += names.Length;
            }
            rates.Add(count / clock.Elapsed.TotalSeconds);
        }
        var median = BenchmarkResults.Median(rates);
        BenchmarkResults.Record("parser", new JsonObject
        {
            ["names"] = names.Length,
            ["namesPerSecondMedian"] = Math.Round(median),
            ["namesPerSecondBest"] = Math.Round(rates.Max()),
            ["target"] = 100_000,
        });
        Assert.That(median, Is.GreaterThanOrEqualTo(100_000));
    }
}
