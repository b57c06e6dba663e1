using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Media.Application.Storage;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Benchmarks;

/// <summary>
/// The scan at scale, against real PostgreSQL and the fake TMDB (zero latency unless MEDIA_BENCH_TMDB_LATENCY_MS):
/// the bare walk (the storage adapter alone, and `find` as the physical reference), the first scan, a re-scan of the
/// unchanged library, a re-scan after deleting 1% of the files, and the scan's peak memory at 10,000 and at the full
/// size (MEDIA_BENCH_FILES, default 100,000).
/// </summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class ScanBenchmark
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(30);

    [Test]
    public async Task Scans_a_synthetic_library()
    {
        var full = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_FILES"), out var n) ? n : 100_000;
        var small = await RunAsync(10_000);
        var figures = new JsonObject { ["small"] = small };
        if (full > 10_000)
        {
            var large = await RunAsync(full);
            figures["large"] = large;
            var growth = large["peakRssMb"]!.GetValue<double>() / small["peakRssMb"]!.GetValue<double>();
            figures["peakRssGrowth"] = Math.Round(growth, 2);
        }
        var main = (JsonObject)(figures["large"] ?? figures["small"])!;
        BenchmarkResults.Record("scan", figures);
        double Figure(string name) => main[name]!.GetValue<double>();
        var growthFigure = figures["peakRssGrowth"]?.GetValue<double>();
        BenchmarkResults.Targets("scan",
        [
            ($"re-scan of the unchanged library / find ({main["files"]} files)", Figure("rescanToFindRatio"), "<= 2.0", Figure("rescanToFindRatio") <= 2.0),
            ("re-scan after 1% deleted / find", Figure("rescanAfterDeleteToFindRatio"), "<= 2.5, exact", Figure("rescanAfterDeleteToFindRatio") <= 2.5 && main["deletedBecameMissing"]!.GetValue<bool>()),
            ("first scan, files per second", Figure("firstScanFilesPerSecond"), ">= 3000", Figure("firstScanFilesPerSecond") >= 3000),
            ("API CPU ms per new file", Figure("apiCpuMsPerNewFile"), "<= 0.6", Figure("apiCpuMsPerNewFile") <= 0.6),
            ("peak RSS of the API, MB", Figure("peakRssMb"), "<= 300", Figure("peakRssMb") <= 300),
            ("peak RSS growth 10,000 -> full size", growthFigure ?? 0, "< 1.5", growthFigure is null or < 1.5),
            ("TMDB requests per movie file", Figure("tmdbRequestsPerMovieFile"), "<= 1.1", Figure("tmdbRequestsPerMovieFile") <= 1.1),
            ("TMDB requests per episode file", Figure("tmdbRequestsPerEpisodeFile"), "<= 0.05", Figure("tmdbRequestsPerEpisodeFile") <= 0.05),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(main["rescanToFindRatio"]!.GetValue<double>(), Is.LessThanOrEqualTo(2.0), "re-scan at most 2x find");
            Assert.That(main["rescanAfterDeleteToFindRatio"]!.GetValue<double>(), Is.LessThanOrEqualTo(2.5), "re-scan after 1% deleted at most 2.5x find");
            Assert.That(main["firstScanFilesPerSecond"]!.GetValue<double>(), Is.GreaterThanOrEqualTo(3000), "first scan files per second");
            Assert.That(main["apiCpuMsPerNewFile"]!.GetValue<double>(), Is.LessThanOrEqualTo(0.6), "API CPU per new file");
            Assert.That(main["peakRssMb"]!.GetValue<double>(), Is.LessThanOrEqualTo(300), "peak RSS of the API");
            Assert.That(main["tmdbRequestsPerMovieFile"]!.GetValue<double>(), Is.LessThanOrEqualTo(1.1));
            Assert.That(main["tmdbRequestsPerEpisodeFile"]!.GetValue<double>(), Is.LessThanOrEqualTo(0.05));
            Assert.That(main["deletedBecameMissing"]!.GetValue<bool>(), "exactly the deleted files became missing");
            if (figures["peakRssGrowth"] is { } g) Assert.That(g.GetValue<double>(), Is.LessThan(1.5), "peak memory growth 10k -> full size");
        });
    }

    private static async Task<JsonObject> RunAsync(int files)
    {
        var root = Path.Combine(Path.GetTempPath(), $"media-bench-{files}-{Guid.NewGuid():N}");
        var library = new SyntheticLibrary(root, files);
        await using var tmdb = await FakeTmdb.StartAsync();
        try
        {
            var create = Stopwatch.StartNew();
            library.Create();
            library.Catalogue(tmdb);
            create.Stop();
            if (int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_TMDB_LATENCY_MS"), out var latency)) tmdb.Latency = TimeSpan.FromMilliseconds(latency);
            if (int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_TMDB_RATE_LIMIT"), out var limit)) tmdb.RateLimitPerSecond = limit;

            var server = await PostgresServer.SharedAsync();
            var connectionString = await server.CreateDatabaseAsync(ct: Ct);
            var settings = MediaApiFactory.TmdbSettings(tmdb);
            // Sparse synthetic files are not media: probing them would only measure ffprobe failing (ProbeBenchmark measures probes).
            settings["Probes:Enabled"] = "false";
            // The client-side TMDB limit is lifted by default (a zero-latency fake); MEDIA_BENCH_CLIENT_RPS sets it.
            settings["Tmdb:RequestsPerSecond"] = Environment.GetEnvironmentVariable("MEDIA_BENCH_CLIENT_RPS") ?? "100000";
            settings["Logging:LogLevel:Media.Application.Scanning.ScanRunner"] = "Information"; // the scan's phases, for the output
            // The API is measured as its own process (CPU and memory apart from this test host), as users run it.
            await using var api = await ApiProcess.StartAsync(connectionString, Media.Application.Users.ApiKeys.Generate(), settings, Ct);
            using var admin = api.Admin();
            var movies = await admin.CreateLibraryAsync("Movies", "movies", library.MoviesRoot, Ct);
            var shows = await admin.CreateLibraryAsync("Shows", "series", library.ShowsRoot, Ct);

            // 1. The bare walk: the adapter alone (in this process), and find as the physical reference, warm cache.
            var walk = await TimeAsync(async () =>
            {
                foreach (var r in new[] { library.MoviesRoot, library.ShowsRoot })
                    await foreach (var _ in new Media.Infrastructure.Storage.LocalLibraryStorage(r).WalkAsync(null, _ => false, _ => { }, Ct)) { }
            });
            var find = await TimeAsync(() => FindAsync(library.Root));

            // 2. The first scan.
            tmdb.ResetCounts();
            api.ResetPeak();
            var cpuBefore = api.CpuSeconds();
            var first = await TimeAsync(async () => { await admin.ScanAsync(movies, null, Ct, Long); await admin.ScanAsync(shows, null, Ct, Long); });
            var firstCpu = api.CpuSeconds() - cpuBefore;
            var movieRequests = tmdb.RequestsTo("/3/search/movie") + tmdb.RequestsTo("/3/movie/") + tmdb.RequestsTo("/3/find/");
            var showRequests = tmdb.RequestsTo("/3/search/tv") + tmdb.RequestsTo("/3/tv/");
            var identified = await CountAsync(connectionString, "SELECT count(*) FROM media_file");
            var newFiles = identified + await CountAsync(connectionString, "SELECT count(*) FROM unmatched_file");

            // 3. A re-scan of the unchanged library, right after find over the same tree.
            find = Math.Min(find, await TimeAsync(() => FindAsync(library.Root)));
            var rescan = await TimeAsync(async () => { await admin.ScanAsync(movies, null, Ct, Long); await admin.ScanAsync(shows, null, Ct, Long); });

            // 4. Delete 1% of the media files, re-scan: exactly those become missing.
            var deleted = library.MediaPaths().Where((_, i) => i % 100 == 7).ToList();
            foreach (var (r, p) in deleted) File.Delete(Path.Combine(r, p));
            var findAfterDelete = await TimeAsync(() => FindAsync(library.Root));
            var scans = new List<JsonElement>();
            var afterDelete = await TimeAsync(async () => { scans.Add(await admin.ScanAsync(movies, null, Ct, Long)); scans.Add(await admin.ScanAsync(shows, null, Ct, Long)); });
            // The peak is the whole run's: the first scan, the re-scan and the re-scan after the deletions.
            var peak = api.PeakRssMb();
            var missing = await PathsAsync(connectionString, "SELECT f.path FROM media_file f JOIN media_file_state s ON s.media_file_id = f.id WHERE NOT s.file_exists");
            var exact = missing.Order(StringComparer.Ordinal).SequenceEqual(deleted.Select(d => d.Path).Order(StringComparer.Ordinal)) &&
                        scans.Sum(s => s.GetProperty("filesMissing").GetInt32()) == deleted.Count;

            foreach (var line in api.Log.Split('\n').Where(l => l.Contains("phases:", StringComparison.Ordinal)))
                TestContext.Out.WriteLine(line.Trim());

            return new JsonObject
            {
                ["files"] = files,
                ["movieFiles"] = library.MovieFiles,
                ["episodeFiles"] = library.EpisodeFiles,
                ["junkFiles"] = library.JunkFiles,
                ["createSeconds"] = Math.Round(create.Elapsed.TotalSeconds, 1),
                ["walkSeconds"] = Math.Round(walk, 2),
                ["findSeconds"] = Math.Round(find, 2),
                ["walkToFindRatio"] = Math.Round(walk / find, 2),
                ["firstScanSeconds"] = Math.Round(first, 2),
                ["firstScanFilesPerSecond"] = Math.Round(files / first),
                ["identifiedFiles"] = identified,
                ["tmdbRequestsPerMovieFile"] = Math.Round((double)movieRequests / library.MovieFiles, 3),
                ["tmdbRequestsPerEpisodeFile"] = Math.Round((double)showRequests / library.EpisodeFiles, 4),
                ["rescanSeconds"] = Math.Round(rescan, 2),
                ["rescanToWalkRatio"] = Math.Round(rescan / walk, 2),
                ["rescanToFindRatio"] = Math.Round(rescan / find, 2),
                ["apiCpuSecondsFirstScan"] = Math.Round(firstCpu, 2),
                ["apiCpuMsPerNewFile"] = Math.Round(firstCpu * 1000 / Math.Max(1, newFiles), 3),
                ["deletedFiles"] = deleted.Count,
                ["rescanAfterDeleteSeconds"] = Math.Round(afterDelete, 2),
                ["rescanAfterDeleteToFindRatio"] = Math.Round(afterDelete / findAfterDelete, 2),
                ["deletedBecameMissing"] = exact,
                ["peakRssMb"] = peak, // of the API process
            };
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task FindAsync(string root)
    {
        using var find = Process.Start(new ProcessStartInfo("find", [root, "-type", "f", "-printf", "%s %p\\n"])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        await find.StandardOutput.BaseStream.CopyToAsync(Stream.Null, Ct);
        await find.WaitForExitAsync(Ct);
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> PathsAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        var paths = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) paths.Add(reader.GetString(0));
        return paths;
    }

}
