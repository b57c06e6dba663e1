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

        Assert.Multiple(() =>
        {
            Assert.That(main["rescanToWalkRatio"]!.GetValue<double>(), Is.LessThanOrEqualTo(3), "re-scan at most 3x the bare walk");
            Assert.That(main["firstScanFilesPerSecond"]!.GetValue<double>(), Is.GreaterThanOrEqualTo(2000), "first scan files per second");
            Assert.That(main["tmdbRequestsPerMovieFile"]!.GetValue<double>(), Is.LessThanOrEqualTo(1.1));
            Assert.That(main["tmdbRequestsPerEpisodeFile"]!.GetValue<double>(), Is.LessThanOrEqualTo(0.05));
            Assert.That(main["deletedBecameMissing"]!.GetValue<bool>(), "exactly the deleted files became missing");
            if (figures["peakRssGrowth"] is { } g) Assert.That(g.GetValue<double>(), Is.LessThan(2), "peak memory growth 10k -> full size");
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
            settings["Tmdb:RequestsPerSecond"] = Environment.GetEnvironmentVariable("MEDIA_BENCH_CLIENT_RPS") ?? "100000";
            settings["Logging:LogLevel:Default"] = "Warning";
            settings["Logging:LogLevel:Media.Application.Scanning"] = "Information";
            await using var api = MediaApiFactory.ForDatabase(Provider.Postgres, connectionString, settings);
            using var admin = api.Admin();
            var movies = await admin.CreateLibraryAsync("Movies", "movies", library.MoviesRoot, Ct);
            var shows = await admin.CreateLibraryAsync("Shows", "series", library.ShowsRoot, Ct);

            // 1. The bare walk: the adapter alone, and find as the physical reference.
            var storages = api.Services.GetRequiredService<ILibraryStorageFactory>();
            var walk = await TimeAsync(async () =>
            {
                foreach (var r in new[] { library.MoviesRoot, library.ShowsRoot })
                    await foreach (var _ in storages.For(StorageLocation.Local(r)).WalkAsync(null, _ => false, _ => { }, Ct)) { }
            });
            var find = await TimeAsync(() => FindAsync(library.Root));

            // 2. The first scan.
            tmdb.ResetCounts();
            ResetPeakRss();
            var first = await TimeAsync(async () => { await admin.ScanAsync(movies, null, Ct, Long); await admin.ScanAsync(shows, null, Ct, Long); });
            var movieRequests = tmdb.RequestsTo("/3/search/movie") + tmdb.RequestsTo("/3/movie/") + tmdb.RequestsTo("/3/find/");
            var showRequests = tmdb.RequestsTo("/3/search/tv") + tmdb.RequestsTo("/3/tv/");
            var identified = await Count(api, db => db.Set<MediaFile>().CountAsync(Ct));

            // 3. A re-scan of the unchanged library.
            var rescan = await TimeAsync(async () => { await admin.ScanAsync(movies, null, Ct, Long); await admin.ScanAsync(shows, null, Ct, Long); });
            var peak = PeakRssMb();

            // 4. Delete 1% of the media files, re-scan: exactly those become missing.
            var deleted = library.MediaPaths().Where((_, i) => i % 100 == 7).ToList();
            foreach (var (r, p) in deleted) File.Delete(Path.Combine(r, p));
            var scans = new List<JsonElement>();
            var afterDelete = await TimeAsync(async () => { scans.Add(await admin.ScanAsync(movies, null, Ct, Long)); scans.Add(await admin.ScanAsync(shows, null, Ct, Long)); });
            var missing = await Count(api, db => db.Set<MediaFile>().Where(f => !f.State.Exists).Select(f => f.Path).ToListAsync(Ct));
            var exact = missing.Order(StringComparer.Ordinal).SequenceEqual(deleted.Select(d => d.Path).Order(StringComparer.Ordinal)) &&
                        scans.Sum(s => s.GetProperty("filesMissing").GetInt32()) == deleted.Count;

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
                ["deletedFiles"] = deleted.Count,
                ["rescanAfterDeleteSeconds"] = Math.Round(afterDelete, 2),
                ["deletedBecameMissing"] = exact,
                ["peakRssMb"] = peak,
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
        using var find = Process.Start(new ProcessStartInfo("find", [root, "-type", "f", "-printf", "%s\\n"])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        await find.StandardOutput.BaseStream.CopyToAsync(Stream.Null, Ct);
        await find.WaitForExitAsync(Ct);
    }

    private static async Task<T> Count<T>(MediaApiFactory api, Func<MediaDbContext, Task<T>> query)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MediaDbContext>());
    }

    /// <summary>Linux keeps the peak resident set (VmHWM); writing 5 to clear_refs starts it again from now.</summary>
    private static void ResetPeakRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return Math.Round(kb / 1024.0, 1);
    }
}
