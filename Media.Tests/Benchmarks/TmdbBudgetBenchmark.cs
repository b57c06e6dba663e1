using System.Diagnostics;
using System.Text.Json.Nodes;
using Media.Tests.Support;

namespace Media.Tests.Benchmarks;

/// <summary>
/// A first scan against a realistic TMDB (50 ms per answer, MEDIA_BENCH_TMDB_LATENCY_MS) at the shipped client limit:
/// while identification has work pending, the client's request budget is kept busy (target: at least 90% of the
/// limit achieved, from the first request to the last), and TMDB is asked no more than the minimum.
/// </summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class TmdbBudgetBenchmark
{
    private const int ShippedLimit = 40; // TmdbOptions.RequestsPerSecond

    [Test]
    public async Task Keeps_the_request_budget_busy()
    {
        var ct = TestContext.CurrentContext.CancellationToken;
        var files = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_BUDGET_FILES"), out var n) ? n : 2_500;
        var latency = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_TMDB_LATENCY_MS"), out var ms) ? ms : 50;
        var root = Path.Combine(Path.GetTempPath(), $"media-budget-{Guid.NewGuid():N}");
        var library = new SyntheticLibrary(root, files);
        await using var tmdb = await FakeTmdb.StartAsync();
        try
        {
            library.Create();
            library.Catalogue(tmdb);
            tmdb.Latency = TimeSpan.FromMilliseconds(latency);
            var server = await PostgresServer.SharedAsync();
            var connectionString = await server.CreateDatabaseAsync(ct: ct);
            // The shipped settings: no client limit given.
            await using var api = await ApiProcess.StartAsync(connectionString, Media.Application.Users.ApiKeys.Generate(), MediaApiFactory.TmdbSettings(tmdb), ct);
            using var admin = api.Admin();
            var movies = await admin.CreateLibraryAsync("Movies", "movies", library.MoviesRoot, ct);

            tmdb.ResetCounts();
            var clock = Stopwatch.StartNew();
            var scan = await admin.ScanAsync(movies, null, ct, TimeSpan.FromMinutes(20));
            clock.Stop();
            Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());

            var arrivals = tmdb.Arrivals.Order().ToList();
            var window = Stopwatch.GetElapsedTime(arrivals[0], arrivals[^1]).TotalSeconds;
            var achieved = (arrivals.Count - 1) / window;
            // Counted as the scan benchmark counts them: the movie questions (unknown videos' searches included), not the
            // client's one-off configuration request.
            var movieRequests = tmdb.RequestsTo("/3/search/movie") + tmdb.RequestsTo("/3/movie/") + tmdb.RequestsTo("/3/find/");
            var figures = new JsonObject
            {
                ["movieFiles"] = library.MovieFiles,
                ["latencyMs"] = latency,
                ["clientLimitPerSecond"] = ShippedLimit,
                ["requests"] = arrivals.Count,
                ["requestsPerMovieFile"] = Math.Round((double)movieRequests / library.MovieFiles, 3),
                ["requestWindowSeconds"] = Math.Round(window, 2),
                ["scanSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
                ["achievedRequestsPerSecond"] = Math.Round(achieved, 1),
                ["budgetBusy"] = Math.Round(achieved / ShippedLimit, 3),
                ["identified"] = scan.GetProperty("filesIdentified").GetInt32(),
            };
            BenchmarkResults.Record("tmdbBudget", figures);
            BenchmarkResults.Targets("tmdbBudget",
            [
                ($"requests per second against the shipped limit ({ShippedLimit}/s) at {latency} ms latency, share of the limit", Math.Round(achieved / ShippedLimit, 3),
                    ">= 0.9", achieved / ShippedLimit >= 0.9),
            ]);
            // Requests per movie file are reported, not asserted, here: at this size the unknown videos weigh more (6% of the
            // movie files against 2.5% at 100,000 files); ScanBenchmark asserts the minimum at full size.
            Assert.That(achieved / ShippedLimit, Is.GreaterThanOrEqualTo(0.9), "the request budget is at least 90% busy");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
