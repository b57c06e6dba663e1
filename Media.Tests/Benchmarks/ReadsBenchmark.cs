using System.Net;
using System.Text.Json.Nodes;
using Media.Tests.Support;
using Npgsql;

namespace Media.Tests.Benchmarks;

/// <summary>
/// The lists at scale, through the API as its own process on real PostgreSQL: 100,000 media items and 100,000 media
/// files (2% missing), one import per file and 10,000 scans (MEDIA_BENCH_READ_ROWS to change the size). Each list's
/// first and last page, both sort directions, with the filters users page by. Target: every one under 30 ms p95.
/// </summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class ReadsBenchmark
{
    private const double TargetMs = 30;

    [Test]
    public async Task Lists_at_a_hundred_thousand_rows()
    {
        var ct = TestContext.CurrentContext.CancellationToken;
        var rows = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_READ_ROWS"), out var n) ? n : 100_000;
        var server = await PostgresServer.SharedAsync();
        var connectionString = await server.CreateDatabaseAsync(ct: ct);
        await using var api = await ApiProcess.StartAsync(connectionString, Media.Application.Users.ApiKeys.Generate(), new Dictionary<string, string?>(), ct);
        using var admin = api.Admin();
        var root = Path.Combine(Path.GetTempPath(), $"media-reads-{Guid.NewGuid():N}");
        var library = await admin.CreateLibraryAsync("Movies", "movies", root, ct);

        var fill = System.Diagnostics.Stopwatch.StartNew();
        string? allVisible;
        await using (var connection = new NpgsqlConnection(connectionString + ";Command Timeout=600"))
        {
            await connection.OpenAsync(ct);
            // Titles in no particular order (a hash), years spread, one file per title in its own folder; each with an
            // overview and a poster path as TMDB gives them (an overview of 384 characters: TMDB's are mostly 200-600).
            await Exec(connection, $"""
                INSERT INTO media_item (id, type, tmdb_id, title, original_title, year, created_at, overview, poster_path)
                SELECT gen_random_uuid(), 'movie', g, initcap(substr(md5(g::text), 1, 6)) || ' ' || initcap(substr(md5(g::text), 7, 8)), NULL,
                       1930 + g % 95, now() - make_interval(secs => g), repeat(md5(g::text), 12), '/' || md5(g::text) || '.jpg'
                FROM generate_series(1, {rows}) g
                """, ct);
            await Exec(connection, $"""
                INSERT INTO media_file (id, library_id, media_item_id, episode_id, path, path_hash, created_at)
                SELECT gen_random_uuid(), '{library}', m.id, NULL, p.path, sha256(convert_to(p.path, 'UTF8')), m.created_at
                FROM media_item m CROSS JOIN LATERAL (SELECT m.title || ' (' || m.year || ')/' || m.title || ' (' || m.year || ').mkv' AS path) p
                """, ct);
            await Exec(connection, """
                INSERT INTO media_file_state (media_file_id, file_exists, file_size, last_verified_at)
                SELECT f.id, (row_number() OVER (ORDER BY f.id)) % 50 <> 0, 1000000 + length(f.path), now() FROM media_file f
                """, ct);
            await Exec(connection, """
                INSERT INTO media_file_import (id, media_file_id, download_job_id, method, source_path, destination_path, succeeded, error_code, error, attempted_at)
                SELECT gen_random_uuid(), f.id, NULL, 'scan', f.path, f.path, true, NULL, NULL, f.created_at FROM media_file f
                """, ct);
            await Exec(connection, $"""
                INSERT INTO scan (id, library_id, folder, status, queued_at, started_at, finished_at, heartbeat_at, files_walked, files_seen, files_identified,
                                  files_unmatched, files_missing, files_failed, problem_count, problems)
                SELECT gen_random_uuid(), '{library}', NULL, 'completed', now() - make_interval(mins => g), now() - make_interval(mins => g),
                       now() - make_interval(mins => g) + interval '5 seconds', now() - make_interval(mins => g) + interval '5 seconds', {rows}, {rows}, 0, 0, 0, 0, 0, '[]'
                FROM generate_series(1, {rows / 10}) g
                """, ct);
            await Exec(connection, "VACUUM ANALYZE", ct);
            // The fill's dirty pages written out now, not by the checkpointer while the lists are timed.
            await Exec(connection, "CHECKPOINT", ct);
            await using var visible = new NpgsqlCommand(
                "SELECT string_agg(relname || ' ' || relallvisible || '/' || relpages, ', ' ORDER BY relname) FROM pg_class WHERE relname IN ('media_item', 'media_file', 'media_file_state')", connection);
            allVisible = (string?)await visible.ExecuteScalarAsync(ct);
        }
        fill.Stop();

        var pages = (int)Math.Ceiling(rows / 50.0);
        using var matching = await admin.GetAsync("/v1/media-items?pageSize=50&q=ab", ct);
        var qPages = Math.Max(1, (int)Math.Ceiling(JsonNode.Parse(await matching.Content.ReadAsStringAsync(ct))!["totalCount"]!.GetValue<int>() / 50.0));
        var missingPages = (int)Math.Ceiling(rows / 50 / 50.0);
        var scanPages = (int)Math.Ceiling(rows / 10 / 50.0);
        var cases = new (string Name, string Url)[]
        {
            ("mediaFiles.first", $"/v1/media-files?pageSize=50"),
            ("mediaFiles.last", $"/v1/media-files?pageSize=50&page={pages}"),
            ("mediaFiles.desc.first", $"/v1/media-files?pageSize=50&sortKey=path&sortDirection=desc"),
            ("mediaFiles.desc.last", $"/v1/media-files?pageSize=50&sortKey=path&sortDirection=desc&page={pages}"),
            ("mediaFiles.library.first", $"/v1/media-files?libraryId={library}&pageSize=50"),
            ("mediaFiles.library.last", $"/v1/media-files?libraryId={library}&pageSize=50&page={pages}"),
            ("mediaFiles.missing.first", $"/v1/media-files?exists=false&pageSize=50"),
            ("mediaFiles.missing.last", $"/v1/media-files?exists=false&pageSize=50&page={missingPages}"),
            ("mediaFiles.present.last", $"/v1/media-files?exists=true&pageSize=50&page={pages - missingPages}"),
            ("mediaItems.first", "/v1/media-items?pageSize=50"),
            ("mediaItems.last", $"/v1/media-items?pageSize=50&page={pages}"),
            ("mediaItems.desc.first", "/v1/media-items?pageSize=50&sortKey=title&sortDirection=desc"),
            ("mediaItems.desc.last", $"/v1/media-items?pageSize=50&sortKey=title&sortDirection=desc&page={pages}"),
            ("mediaItems.q.first", "/v1/media-items?pageSize=50&q=ab"),
            ("mediaItems.q.last", $"/v1/media-items?pageSize=50&q=ab&page={qPages}"),
            // A search asked for the first time each run (another two characters, as many matches): its total is
            // counted every time (in the titles' search texts held in memory: no title changes meanwhile).
            ("mediaItems.q.new.first", "/v1/media-items?pageSize=50&q={new}"),
            ("imports.first", "/v1/imports?pageSize=50"),
            ("imports.last", $"/v1/imports?pageSize=50&page={pages}"),
            ("scans.first", $"/v1/scans?libraryId={library}&pageSize=50"),
            ("scans.last", $"/v1/scans?libraryId={library}&pageSize=50&page={scanPages}"),
        };

        var figures = new JsonObject { ["rows"] = rows, ["fillSeconds"] = Math.Round(fill.Elapsed.TotalSeconds, 1), ["targetMs"] = TargetMs, ["allVisiblePages"] = allVisible };
        var slow = new List<string>();
        var targets = new List<(string, double, string, bool)>();
        var searches = 16; // from "b0": none is the "ab" above, asked before
        // Measured, not targets (the issue's are the lists above, first and last pages): the deepest pages, in the middle
        // (a page past it is read from the other end; deeper than 1,000 rows a page reads its keys first, then its rows).
        var middles = new (string Name, string Url)[]
        {
            // A library's missing files: its total counts the missing files by key lookups (2,000 here), no kept total.
            ("mediaFiles.library.missing.first", $"/v1/media-files?libraryId={library}&exists=false&pageSize=50"),
            ("mediaFiles.library.missing.last", $"/v1/media-files?libraryId={library}&exists=false&pageSize=50&page={missingPages}"),
            ("mediaFiles.middle", $"/v1/media-files?pageSize=50&page={pages / 2}"),
            ("mediaFiles.present.middle", $"/v1/media-files?exists=true&pageSize=50&page={(pages - missingPages) / 2}"),
            ("mediaItems.middle", $"/v1/media-items?pageSize=50&page={pages / 2}"),
            ("mediaItems.q.middle", $"/v1/media-items?pageSize=50&q=ab&page={Math.Max(1, qPages / 2)}"),
            ("imports.middle", $"/v1/imports?pageSize=50&page={pages / 2}"),
        };
        foreach (var (name, url, target) in cases.Select(c => (c.Name, c.Url, true)).Concat(middles.Select(c => (c.Name, c.Url, false))))
        {
            var count = -1;
            var times = await BenchmarkResults.TimeAsync(async () =>
            {
                var asked = url.Contains("{new}", StringComparison.Ordinal) ? url.Replace("{new}", NewSearch(searches++), StringComparison.Ordinal) : url;
                using var response = await admin.GetAsync(asked, ct);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), asked);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
                count = body["items"]!.AsArray().Count;
            }, runs: 30);
            var p95 = Math.Round(BenchmarkResults.Percentile(times, 0.95), 1);
            figures[name] = new JsonObject { ["p95Ms"] = p95, ["medianMs"] = Math.Round(BenchmarkResults.Median(times), 1), ["items"] = count };
            if (count == 0) slow.Add($"{name}: an empty page ({url})");
            if (!target)
            {
                figures[name]!["target"] = false;
                TestContext.Out.WriteLine($"measured reads: {name} p95 ms = {p95} (not a target)");
                continue;
            }
            if (p95 >= TargetMs) slow.Add($"{name}: {p95} ms p95");
            targets.Add(($"{name} p95 ms", p95, $"< {TargetMs}", p95 < TargetMs && count > 0));
        }
        // New searches while titles change (a scan adding them, a refresh renaming them): each follows a rename, so
        // the texts held are of an older version and the database counts. Measured, not a target: the lists are timed
        // with the titles settled, as they are between scans.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            var times = new List<double>();
            for (var run = 0; run < 33; run++)
            {
                await Exec(connection, $"UPDATE media_item SET title = title || '.' WHERE tmdb_id = {run + 1}", ct);
                var asked = $"/v1/media-items?pageSize=50&q={NewSearch(searches++)}";
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await admin.GetAsync(asked, ct);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), asked);
                await response.Content.ReadAsStringAsync(ct);
                if (run >= 3) times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var p95 = Math.Round(BenchmarkResults.Percentile(times, 0.95), 1);
            figures["mediaItems.q.new.afterChange"] = new JsonObject { ["p95Ms"] = p95, ["medianMs"] = Math.Round(BenchmarkResults.Median(times), 1), ["target"] = false };
            TestContext.Out.WriteLine($"measured reads: mediaItems.q.new.afterChange p95 ms = {p95} (not a target)");
        }
        BenchmarkResults.Record("reads", figures);
        BenchmarkResults.Targets("reads", [.. targets]);
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        Assert.That(slow, Is.Empty, "every list's first and last page under 30 ms p95");
    }

    /// <summary>The n-th two-character search none asked before: the titles are hexadecimal, so each matches about as many.</summary>
    private static string NewSearch(int n) => $"{"abcdef"[n / 16]}{"0123456789abcdef"[n % 16]}";

    private static async Task Exec(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
