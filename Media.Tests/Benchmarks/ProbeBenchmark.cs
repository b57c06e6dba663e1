using System.Diagnostics;
using System.Text.Json.Nodes;
using Media.Infrastructure.Probing;
using Media.Tests.Support;

namespace Media.Tests.Benchmarks;

/// <summary>
/// Probes at scale on small real files (copies of the H.264 720p test file, MEDIA_BENCH_PROBE_FILES, default 1,000):
/// probes per second through the adapter alone and through the whole queue (claim, ffprobe, record) in the API process,
/// and the first scan's files per second with probing on against off (the queue drains after the scan; at most 10% slower).
/// The adapter's and the queue's rates are measured once (ffprobe's start, about 0.1 s of loading 200 libraries, sets
/// them); the scans are a median of MEDIA_BENCH_PROBE_ROUNDS rounds (default 5), on and off taking turns (which goes
/// first alternates), each on a fresh database and a fresh API process; the queue is drained after the first round's
/// scan with probing on.
/// </summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class ProbeBenchmark
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(30);

    [Test]
    public async Task Probes_and_the_first_scan_with_probing_on_and_off()
    {
        TestMedia.Require();
        var files = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_PROBE_FILES"), out var n) ? n : 1_000;
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_PROBE_ROUNDS"), out var r) ? r : 5;
        var parallel = ProbeOptions.Default.Parallel;
        var root = Path.Combine(Path.GetTempPath(), $"media-bench-probe-{Guid.NewGuid():N}");
        await using var tmdb = await FakeTmdb.StartAsync();
        try
        {
            for (var i = 0; i < files; i++)
            {
                await TestMedia.CopyAsync(TestMedia.H264, root, SyntheticLibrary.MoviePath(i));
                tmdb.Add(new FakeMovie(SyntheticLibrary.MovieTmdbId(i), SyntheticLibrary.Title(i), $"{SyntheticLibrary.MovieYear(i)}-06-01"));
            }
            var paths = Directory.EnumerateFiles(root, "*.mkv", SearchOption.AllDirectories).ToList();

            // 1. The adapter alone: every file once, the bound at its default.
            double adapter;
            using (var probe = new FfprobeMediaProbe(ProbeOptions.Default))
            {
                var clock = Stopwatch.StartNew();
                var results = await Task.WhenAll(paths.Select(p => probe.ProbeAsync(p, Ct)));
                adapter = files / clock.Elapsed.TotalSeconds;
                Assert.That(results.Count(x => x.Succeeded), Is.EqualTo(files));
            }

            // 2. First scans, probing off and on in turn; with probing on, the first round drains the queue after the scan.
            var off = new List<double>();
            var on = new List<double>();
            double drain = 0;
            for (var round = 0; round < rounds; round++)
            {
                if (round % 2 == 1) off.Add((await FirstScanAsync(root, tmdb, probing: false, drain: false)).FilesPerSecond);
                var (perSecond, drained) = await FirstScanAsync(root, tmdb, probing: true, drain: round == 0);
                on.Add(perSecond);
                if (round == 0) drain = files / drained;
                if (round % 2 == 0) off.Add((await FirstScanAsync(root, tmdb, probing: false, drain: false)).FilesPerSecond);
            }

            var figures = new JsonObject
            {
                ["files"] = files,
                ["rounds"] = rounds,
                ["parallelProbes"] = parallel,
                ["adapterProbesPerSecond"] = Math.Round(adapter, 1),
                ["queueProbesPerSecond"] = Math.Round(drain, 1),
                ["firstScanFilesPerSecondProbingOff"] = Math.Round(Median(off)),
                ["firstScanFilesPerSecondProbingOn"] = Math.Round(Median(on)),
                ["firstScanOnToOffRatio"] = Math.Round(Median(on) / Median(off), 3),
                ["firstScanFilesPerSecondOffRounds"] = new JsonArray([.. off.Select(v => (JsonNode)Math.Round(v))]),
                ["firstScanFilesPerSecondOnRounds"] = new JsonArray([.. on.Select(v => (JsonNode)Math.Round(v))]),
            };
            BenchmarkResults.Record("probe", figures);
            TestContext.Out.WriteLine(figures.ToJsonString());
            Assert.That(Median(on) / Median(off), Is.GreaterThanOrEqualTo(0.9), "the first scan with probing on within 10% of probing off");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A first scan of the tree on a fresh database and a fresh API process; then, when asked, the probe queue's drain.</summary>
    private static async Task<(double FilesPerSecond, double DrainSeconds)> FirstScanAsync(string root, FakeTmdb tmdb, bool probing, bool drain)
    {
        var server = await PostgresServer.SharedAsync();
        var connectionString = await server.CreateDatabaseAsync(ct: Ct);
        var settings = MediaApiFactory.TmdbSettings(tmdb);
        settings["Tmdb:RequestsPerSecond"] = "100000";
        settings["Probes:Enabled"] = probing ? "true" : "false";
        settings["Probes:PollInterval"] = "00:00:00.200";
        await using var api = await ApiProcess.StartAsync(connectionString, Media.Application.Users.ApiKeys.Generate(), settings, Ct);
        using var admin = api.Admin();
        var movies = await admin.CreateLibraryAsync("Movies", "movies", root, Ct);
        var files = Directory.EnumerateFiles(root, "*.mkv", SearchOption.AllDirectories).Count();

        var clock = Stopwatch.StartNew();
        var scan = await admin.ScanAsync(movies, null, Ct, Long);
        var scanned = clock.Elapsed.TotalSeconds;
        Assert.That(scan.GetProperty("filesIdentified").GetInt32(), Is.EqualTo(files), scan.ToString());
        if (!probing || !drain) return (files / scanned, 0);

        clock.Restart();
        while (await CountAsync(connectionString, "SELECT count(*) FROM media_file_probe WHERE status = 'probed' AND NOT needed") < files)
        {
            if (clock.Elapsed > Long) Assert.Fail("The probe queue did not drain.");
            await Task.Delay(50, Ct);
        }
        return (files / scanned, clock.Elapsed.TotalSeconds);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
