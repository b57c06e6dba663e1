using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Media.Tests.Support;

namespace Media.Tests.Benchmarks;

/// <summary>
/// Identity at scale (issue 16), the API as its own process on real PostgreSQL: a synthetic library
/// (MEDIA_BENCH_MOVE_FILES, else MEDIA_BENCH_FILES, default 100,000 files) in which 10% of the media files are moved
/// to other folders; the re-scan must keep every media-file id (none lost, none duplicated), ask TMDB nothing, and take
/// at most 1.5x a re-scan of the unchanged library. Then, with the watcher on (MEDIA_BENCH_WATCH_FILES files, default
/// 100, one after another, at the default debounce unless MEDIA_BENCH_WATCH_QUIET): the median time from a file's
/// creation to its media file (or unmatched entry) existing.
/// </summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class MoveBenchmark
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(30);

    [Test]
    public async Task Moves_keep_every_id_and_the_watcher_records_new_files_within_seconds()
    {
        var files = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_MOVE_FILES") ?? Environment.GetEnvironmentVariable("MEDIA_BENCH_FILES"), out var n)
            ? n : 100_000;
        var watchFiles = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_WATCH_FILES"), out var w) ? w : 100;
        var root = Path.Combine(Path.GetTempPath(), $"media-bench-moves-{Guid.NewGuid():N}");
        var library = new SyntheticLibrary(root, files);
        await using var tmdb = await FakeTmdb.StartAsync();
        try
        {
            library.Create();
            library.Catalogue(tmdb);
            var server = await PostgresServer.SharedAsync();
            var connectionString = await server.CreateDatabaseAsync(ct: Ct);
            var settings = MediaApiFactory.TmdbSettings(tmdb);
            settings["Tmdb:RequestsPerSecond"] = Environment.GetEnvironmentVariable("MEDIA_BENCH_CLIENT_RPS") ?? "100000";
            settings["Logging:LogLevel:Media.Application.Scanning.ScanRunner"] = "Information"; // the scan's phases, for the output
            // The sparse files are not media: with probing on, ffprobe would fail on each of them between the scans, a
            // backlog a real library has only once (ScanBenchmark likewise).
            settings["Probes:Enabled"] = "false";
            var adminKey = Media.Application.Users.ApiKeys.Generate();
            var figures = new JsonObject { ["files"] = files };

            Guid movies, shows;
            await using (var api = await ApiProcess.StartAsync(connectionString, adminKey, settings, Ct))
            {
                using var admin = api.Admin();
                movies = await admin.CreateLibraryAsync("Movies", "movies", library.MoviesRoot, Ct);
                shows = await admin.CreateLibraryAsync("Shows", "series", library.ShowsRoot, Ct);
                var first = await TimeAsync(() => ScanBothAsync(admin, movies, shows));
                var before = await IdsAsync(connectionString);

                // The unchanged re-scan, twice (the faster counts: the second has the warmer cache, as the moved one will).
                var unchanged = Math.Min(await TimeAsync(() => ScanBothAsync(admin, movies, shows)), await TimeAsync(() => ScanBothAsync(admin, movies, shows)));

                // 10% of the media files move to other folders ("Reorganised/<n>/"), names unchanged.
                var moved = library.MediaPaths().Where((_, i) => i % 10 == 3).Select((p, i) => (p.Root, From: p.Path, To: $"Reorganised/{i % 50}/{Path.GetFileName(p.Path)}")).ToList();
                foreach (var (r, from, to) in moved)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(r, to))!);
                    File.Move(Path.Combine(r, from), Path.Combine(r, to));
                }
                tmdb.ResetCounts();
                var unmatchedBefore = await CountAsync(connectionString, "SELECT count(*) FROM unmatched_file");
                var rescan = await TimeAsync(() => ScanBothAsync(admin, movies, shows));
                var after = await IdsAsync(connectionString);
                foreach (var line in api.Log.Split('\n').Where(l => l.Contains("phases:", StringComparison.Ordinal) || l.Contains("recognised at new paths", StringComparison.Ordinal)))
                    TestContext.Out.WriteLine(line.Trim());

                var expected = before.ToDictionary(b => b.Key, b => b.Value.Id);
                foreach (var (_, from, to) in moved)
                {
                    expected.Remove(from, out var id);
                    expected[to] = id;
                }
                var lost = expected.Values.Except(after.Where(a => a.Value.Exists).Select(a => a.Value.Id)).Count();
                var misplaced = expected.Count(e => !after.TryGetValue(e.Key, out var a) || a.Id != e.Value || !a.Exists);
                var duplicated = after.Count - before.Count;
                figures["firstScanSeconds"] = Math.Round(first, 2);
                figures["mediaFiles"] = before.Count;
                figures["movedFiles"] = moved.Count;
                figures["unchangedRescanSeconds"] = Math.Round(unchanged, 2);
                figures["movedRescanSeconds"] = Math.Round(rescan, 2);
                figures["movedToUnchangedRatio"] = Math.Round(rescan / unchanged, 2);
                figures["lostIds"] = lost;
                figures["misplacedIds"] = misplaced;
                figures["duplicatedIds"] = duplicated;
                figures["newUnmatched"] = await CountAsync(connectionString, "SELECT count(*) FROM unmatched_file") - unmatchedBefore;
                figures["moveEntries"] = await CountAsync(connectionString, "SELECT count(*) FROM media_file_import WHERE method = 'move'");
                figures["tmdbRequests"] = tmdb.Requests;

                // The big libraries stay unwatched for the watcher's part (inotify would watch every one of their folders).
                foreach (var (id, name, kind, r) in new[] { (movies, "Movies", "movies", library.MoviesRoot), (shows, "Shows", "series", library.ShowsRoot) })
                    using (var put = await admin.PutAsJsonAsync($"/v1/libraries/{id}", new { name, kind, watch = false, storage = new { provider = "local", root = r } }, Ct))
                        put.EnsureSuccessStatusCode();
            }

            // The watcher: a new library, files created one after another, each waited for.
            settings["Watcher:Enabled"] = "true";
            if (Environment.GetEnvironmentVariable("MEDIA_BENCH_WATCH_QUIET") is { Length: > 0 } quiet) settings["Watcher:Quiet"] = quiet;
            await using (var api = await ApiProcess.StartAsync(connectionString, adminKey, settings, Ct))
            {
                using var admin = api.Admin();
                var watchedRoot = Path.Combine(root, "watched");
                var watched = await admin.CreateLibraryAsync("Watched", "movies", watchedRoot, Ct);
                await Task.Delay(TimeSpan.FromSeconds(6), Ct); // the watcher picks new libraries up within Watcher__Refresh (5 s)
                var latencies = new List<double>();
                for (var i = 0; i < watchFiles; i++)
                {
                    var path = $"{SyntheticLibrary.Title(i)} ({SyntheticLibrary.MovieYear(i)})/{SyntheticLibrary.Title(i)} ({SyntheticLibrary.MovieYear(i)}) - watched.mkv";
                    var full = Path.Combine(watchedRoot, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    var clock = Stopwatch.StartNew();
                    await File.WriteAllBytesAsync(full, new byte[4096], Ct);
                    while (await CountAsync(connectionString,
                        $"SELECT (SELECT count(*) FROM media_file WHERE library_id = '{watched}' AND path = '{path.Replace("'", "''")}') + " +
                        $"(SELECT count(*) FROM unmatched_file WHERE library_id = '{watched}' AND path = '{path.Replace("'", "''")}')") == 0)
                    {
                        if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"{path} was not recorded within a minute.");
                        await Task.Delay(20, Ct);
                    }
                    latencies.Add(clock.Elapsed.TotalSeconds);
                }
                latencies.Sort();
                figures["watchFiles"] = watchFiles;
                figures["watchQuiet"] = settings.GetValueOrDefault("Watcher:Quiet") ?? "00:00:02 (default)";
                figures["watchMedianSeconds"] = Math.Round(latencies[latencies.Count / 2], 2);
                figures["watchP95Seconds"] = Math.Round(latencies[(int)(latencies.Count * 0.95)], 2);
            }

            BenchmarkResults.Record("moves", figures);
            Assert.Multiple(() =>
            {
                Assert.That(figures["lostIds"]!.GetValue<int>(), Is.Zero, "no id lost");
                Assert.That(figures["misplacedIds"]!.GetValue<int>(), Is.Zero, "every id at its new path");
                Assert.That(figures["duplicatedIds"]!.GetValue<int>(), Is.Zero, "no id duplicated (no new media file)");
                Assert.That(figures["tmdbRequests"]!.GetValue<int>(), Is.Zero, "no TMDB request");
                Assert.That(figures["moveEntries"]!.GetValue<long>(), Is.EqualTo(figures["movedFiles"]!.GetValue<int>()), "one move entry per moved file");
                Assert.That(figures["movedToUnchangedRatio"]!.GetValue<double>(), Is.LessThanOrEqualTo(1.5), "moved re-scan at most 1.5x the unchanged one");
            });
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static async Task ScanBothAsync(HttpClient admin, Guid movies, Guid shows)
    {
        foreach (var library in new[] { movies, shows })
        {
            var scan = await admin.ScanAsync(library, null, Ct, Long);
            Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());
        }
    }

    /// <summary>Every media file by path: its id and whether it exists.</summary>
    private static async Task<Dictionary<string, (Guid Id, bool Exists)>> IdsAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT f.path, f.id, s.file_exists FROM media_file f JOIN media_file_state s ON s.media_file_id = f.id", connection);
        var ids = new Dictionary<string, (Guid, bool)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) ids[reader.GetString(0)] = (reader.GetGuid(1), reader.GetBoolean(2));
        return ids;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalSeconds;
    }
}
