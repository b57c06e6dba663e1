using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Application.Users;
using Media.Tests.Support;
using Media.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Media.Tests.Cluster;

#pragma warning disable CS0618 // [Order]: one cluster, three steps (the second kills an instance)

/// <summary>
/// Several instances on one PostgreSQL (issue 15), for real: three API processes (the built app, `dotnet
/// Media.Api.dll`) on loopback ports, one throwaway database and the fake TMDB. The scan queue is the scan table;
/// a claim makes each scan run once; a scan whose instance is killed is taken over; settings reach every instance.
/// </summary>
[NonParallelizable]
public sealed class ClusterTests
{
    private FakeTmdb _tmdb = null!;
    private string _connectionString = null!;
    private string _key = null!;
    private readonly List<ApiProcess> _instances = [];
    private string _root = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _tmdb = await FakeTmdb.StartAsync();
        for (var i = 1; i <= 60; i++) _tmdb.Add(new FakeMovie(10_000 + i, $"Cluster Film {Words(i)}", $"{1950 + i}-01-01"));
        var server = await PostgresServer.SharedAsync();
        _connectionString = await server.CreateDatabaseAsync(ct: Ct);
        _key = ApiKeys.Generate();
        var settings = Settings();
        // The first instance migrates and creates the admin; the others start on the migrated database.
        _instances.Add(await ApiProcess.StartAsync(_connectionString, _key, settings, Ct));
        var others = await Task.WhenAll(ApiProcess.StartAsync(_connectionString, _key, settings, Ct), ApiProcess.StartAsync(_connectionString, _key, settings, Ct));
        _instances.AddRange(others);
        _root = Path.Combine(Path.GetTempPath(), $"media-cluster-{Guid.NewGuid():N}");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = MediaApiFactory.TmdbSettings(_tmdb);
        settings["Scans:LeaseTimeout"] = "00:00:08";
        settings["Scans:PollInterval"] = "00:00:01";
        settings["Downloads:PollInterval"] = "00:00:00.500";
        // One keys folder for all, as the README asks: each instance reads the passwords another stored.
        settings["Media:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"media-cluster-data-{_dataId}");
        return settings;
    }

    private readonly string _dataId = Guid.NewGuid().ToString("N");

    /// <summary>Film titles in words, so that no number in them reads as a year or an episode.</summary>
    private static string Words(int n)
    {
        string[] ones = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"];
        return $"{ones[n / 10]} {ones[n % 10]}";
    }

    private async Task<Guid> LibraryAsync(HttpClient client, IEnumerable<int> films)
    {
        var root = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        foreach (var i in films) TestFiles.Write(root, $"Cluster Film {Words(i)} ({1950 + i})/Cluster Film {Words(i)} ({1950 + i}).mkv", 100 + i);
        return await client.CreateLibraryAsync($"C-{Guid.NewGuid():N}", "movies", root, Ct);
    }

    private static async Task<Guid> QueueAsync(HttpClient client, Guid library)
    {
        using var response = await client.PostAsync($"/v1/libraries/{library}/scan", null, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync(Ct));
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> FinishedAsync(HttpClient client, Guid scan, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement state = default;
        while (clock.Elapsed < limit)
        {
            state = await client.GetFromJsonAsync<JsonElement>($"/v1/scans/{scan}", MediaApiFactory.Json, Ct);
            if (state.GetProperty("status").GetString() is "completed" or "failed") return state;
            await Task.Delay(200, Ct);
        }
        Assert.Fail($"Scan {scan} did not finish within {limit}: {state}");
        return state;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test, Order(1)]
    public async Task Scans_queued_through_any_instance_each_run_once_with_the_rows_of_one_instance_alone()
    {
        var clients = _instances.Select(i => i.Admin()).ToList();
        var libraries = new List<Guid>();
        for (var l = 0; l < 6; l++) libraries.Add(await LibraryAsync(clients[l % 3], Enumerable.Range(1 + l * 5, 5)));

        var scans = new List<Guid>();
        for (var l = 0; l < 6; l++) scans.Add(await QueueAsync(clients[(l * 2 + 1) % 3], libraries[l]));
        foreach (var scan in scans)
        {
            var done = await FinishedAsync(clients[0], scan, TimeSpan.FromSeconds(60));
            Assert.That((done.GetProperty("status").GetString(), done.GetProperty("filesIdentified").GetInt32()), Is.EqualTo(("completed", 5)), done.ToString());
        }

        Assert.That(await ScalarAsync("SELECT count(*) FROM scan"), Is.EqualTo(6), "one scan row per library: each ran once");
        Assert.That(await ScalarAsync("SELECT count(*) FROM media_file"), Is.EqualTo(30));
        Assert.That(await ScalarAsync("SELECT count(DISTINCT path) FROM media_file"), Is.EqualTo(30));
        Assert.That(await ScalarAsync("SELECT count(*) FROM media_item"), Is.EqualTo(30));
        Assert.That(await ScalarAsync("SELECT count(*) FROM media_file_import"), Is.EqualTo(30), "one scan import record per file");

        // The cluster as any instance sees it: three live instances, and which one ran each scan.
        JsonElement live = default;
        for (var i = 0; i < 50; i++)
        {
            live = await clients[2].GetFromJsonAsync<JsonElement>("/v1/system/instances", MediaApiFactory.Json, Ct);
            if (live.GetProperty("items").GetArrayLength() == 3) break;
            await Task.Delay(200, Ct);
        }
        var names = live.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
        Assert.That(names, Has.Count.EqualTo(3), live.ToString());
        Assert.That(names.Count(n => n.EndsWith($":{_instances[0].Pid}", StringComparison.Ordinal)), Is.EqualTo(1));
        foreach (var scan in scans)
        {
            var state = await clients[0].GetFromJsonAsync<JsonElement>($"/v1/scans/{scan}", MediaApiFactory.Json, Ct);
            Assert.That(names, Does.Contain(state.GetProperty("runBy").GetString()), "each scan says which instance ran it");
        }
        foreach (var client in clients) client.Dispose();
    }

    [Test, Order(2)]
    public async Task A_scan_whose_instance_is_killed_is_taken_over_and_completed_without_losing_or_doubling_a_file()
    {
        var clients = _instances.Select(i => i.Admin()).ToList();
        var library = await LibraryAsync(clients[0], Enumerable.Range(31, 30));
        _tmdb.Latency = TimeSpan.FromMilliseconds(700); // slow enough to be caught running
        var scan = await QueueAsync(clients[1], library);

        ApiProcess? runner = null;
        for (var i = 0; i < 100 && runner is null; i++)
        {
            foreach (var (instance, client) in _instances.Zip(clients))
            {
                var state = await client.GetFromJsonAsync<JsonElement>("/v1/system/instance", MediaApiFactory.Json, Ct);
                if (state.GetProperty("runningScans").EnumerateArray().Any(s => s.GetGuid() == scan)) runner = instance;
            }
            if (runner is null) await Task.Delay(100, Ct);
        }
        Assert.That(runner, Is.Not.Null, "some instance runs the scan");
        await Task.Delay(1500, Ct);
        await runner!.KillAsync(); // kill -9, mid-scan
        var survivor = clients[_instances.IndexOf(runner) == 0 ? 1 : 0];
        var killedAt = System.Diagnostics.Stopwatch.StartNew();
        _tmdb.Latency = TimeSpan.Zero;

        var done = await FinishedAsync(survivor, scan, TimeSpan.FromSeconds(60));
        Assert.That(done.GetProperty("status").GetString(), Is.EqualTo("completed"), done.ToString());
        Assert.That(killedAt.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "taken over and completed within 30 s");
        Assert.That(done.GetProperty("filesMissing").GetInt32(), Is.Zero);
        var libraryFiles = $"SELECT count(*) FROM media_file WHERE library_id = '{library}'";
        Assert.That(await ScalarAsync(libraryFiles), Is.EqualTo(30), "every file once");
        Assert.That(await ScalarAsync($"SELECT count(*) FROM media_file f JOIN media_file_state s ON s.media_file_id = f.id WHERE f.library_id = '{library}' AND NOT s.file_exists"), Is.Zero);
        Assert.That(await ScalarAsync("SELECT count(*) - count(DISTINCT tmdb_id) FROM media_item"), Is.Zero, "no media item twice");
        foreach (var client in clients) client.Dispose();
    }

    [Test, Order(3)]
    public async Task A_setting_changed_on_one_instance_takes_effect_on_the_others_within_five_seconds()
    {
        var alive = _instances.Where(i => !i.HasExited).ToList();
        using var first = alive[0].Admin();
        using var last = alive[^1].Admin();
        var language = $"pt-BR";
        using (var put = await first.PutAsJsonAsync("/v1/settings/tmdb.language", new { value = language }, Ct))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync(Ct));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? seen = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var state = await last.GetFromJsonAsync<JsonElement>("/v1/system/instance", MediaApiFactory.Json, Ct);
            seen = state.GetProperty("settings").GetProperty("tmdb.language").GetString();
            if (seen == language) break;
            await Task.Delay(100, Ct);
        }
        Assert.That(seen, Is.EqualTo(language), $"in effect on the other instance within 5 s (took {clock.Elapsed.TotalSeconds:F1} s)");
    }

    [Test, Order(4)]
    public async Task Scans_queued_when_every_instance_stops_all_run_when_instances_start_again()
    {
        var libraries = new List<Guid>();
        var scans = new List<Guid>();
        using (var client = _instances.First(i => !i.HasExited).Admin())
        {
            for (var l = 0; l < 3; l++) libraries.Add(await LibraryAsync(client, Enumerable.Range(41 + l * 5, 5)));
            _tmdb.Latency = TimeSpan.FromSeconds(1); // the scans are still queued or running when everything stops
            foreach (var library in libraries) scans.Add(await QueueAsync(client, library));
        }
        foreach (var instance in _instances) await instance.KillAsync();
        _tmdb.Latency = TimeSpan.Zero;

        var settings = Settings();
        var restarted = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ApiProcess.StartAsync(_connectionString, _key, settings, Ct)));
        _instances.AddRange(restarted);
        using var any = restarted[2].Admin();
        foreach (var scan in scans)
        {
            var done = await FinishedAsync(any, scan, TimeSpan.FromSeconds(60));
            Assert.That((done.GetProperty("status").GetString(), done.GetProperty("filesIdentified").GetInt32() + done.GetProperty("filesSeen").GetInt32() > 0),
                Is.EqualTo(("completed", true)), done.ToString());
        }
        foreach (var library in libraries)
            Assert.That(await ScalarAsync($"SELECT count(*) FROM media_file WHERE library_id = '{library}'"), Is.EqualTo(5), "every file of every library, once");
    }

    [Test, Order(5)]
    public async Task One_instance_imports_each_completed_download_also_when_the_leader_is_killed()
    {
        if (!TorrentDaemon.Installed(Media.Domain.Downloads.DownloaderKind.Transmission)) Assert.Ignore("transmission-daemon is not installed.");
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddMediaInfrastructure(new ConfigurationBuilder().AddInMemoryCollection(
                new Dictionary<string, string?> { ["Media:DataDirectory"] = Path.Combine(_root, "probe") }).Build())
            .AddLogging().BuildServiceProvider();
        await using var daemon = await TorrentDaemon.StartAsync(Media.Domain.Downloads.DownloaderKind.Transmission,
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Media.Application.Downloads.IDownloadClientFactory>(services));
        var alive = _instances.Where(i => !i.HasExited).ToList();
        using var client = alive[0].Admin();
        var library = await client.CreateLibraryAsync("Cluster downloads", "movies", Path.Combine(_root, "downloads-library"), Ct);
        using var created = await client.PostAsJsonAsync("/v1/downloaders", new
        {
            name = "transmission", kind = "transmission", url = daemon.Connection.Url.ToString(),
            username = daemon.Connection.Username, password = daemon.Connection.Password, enabled = true,
        }, Ct);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Ct));
        var downloader = (await created.JsonAsync()).GetProperty("id").GetGuid();

        async Task<(Guid Job, string File)> DownloadAsync(int film)
        {
            using var item = await client.PostAsJsonAsync("/v1/media-items", new { type = "movie", tmdbId = 10_000 + film }, Ct);
            // The title may be in the library already (an earlier step scanned it): then its id comes with the 409.
            var body = await item.JsonAsync();
            var itemId = item.StatusCode == HttpStatusCode.Created ? body.GetProperty("id").GetGuid() : Guid.Parse(body.GetProperty("existingId").GetString()!);
            var release = Path.Combine(daemon.DataDirectory, $"Cluster.Film.{film}.1080p-GRP");
            Directory.CreateDirectory(release);
            var file = Path.Combine(release, $"cluster.film.{film}.1080p.mkv");
            await File.WriteAllBytesAsync(file, Enumerable.Range(0, 200_000).Select(b => (byte)(b * film)).ToArray(), Ct);
            var torrent = await TorrentDaemon.MakeTorrentAsync(release);
            using var job = await client.PostAsJsonAsync("/v1/download-jobs", new
            {
                mediaItemId = itemId, episodeIds = Array.Empty<Guid>(), downloaderId = downloader, libraryId = library, torrent = Convert.ToBase64String(torrent),
            }, Ct);
            Assert.That(job.StatusCode, Is.EqualTo(HttpStatusCode.Created), await job.Content.ReadAsStringAsync(Ct));
            return ((await job.JsonAsync()).GetProperty("id").GetGuid(), file);
        }

        async Task<ApiProcess> LeaderAsync()
        {
            for (var i = 0; i < 100; i++)
            {
                foreach (var instance in _instances.Where(x => !x.HasExited))
                {
                    using var c = instance.Admin();
                    var state = await c.GetFromJsonAsync<JsonElement>("/v1/system/instance", MediaApiFactory.Json, Ct);
                    if (state.GetProperty("downloadMonitorLeader").GetBoolean()) return instance;
                }
                await Task.Delay(200, Ct);
            }
            Assert.Fail("No instance leads the download monitor.");
            return null!;
        }

        async Task<JsonElement> ImportedAsync(HttpClient c, Guid job)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var state = await c.GetFromJsonAsync<JsonElement>($"/v1/download-jobs/{job}", MediaApiFactory.Json, Ct);
                if (state.GetProperty("status").GetString() is "imported" or "failed") return state;
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"The job stayed {state}");
                await Task.Delay(200, Ct);
            }
        }

        var leader = await LeaderAsync();
        var (first, firstFile) = await DownloadAsync(51);
        Assert.That((await ImportedAsync(client, first)).GetProperty("status").GetString(), Is.EqualTo("imported"));

        // The leader dies with the second download in flight: another instance takes the lead and imports it.
        var (second, secondFile) = await DownloadAsync(52);
        await leader.KillAsync();
        using var survivor = _instances.First(i => !i.HasExited).Admin();
        var done = await ImportedAsync(survivor, second);
        Assert.That(done.GetProperty("status").GetString(), Is.EqualTo("imported"), done.ToString());
        Assert.That(await LeaderAsync(), Is.Not.SameAs(leader));

        foreach (var (job, source) in new[] { (first, firstFile), (second, secondFile) })
        {
            var imports = (await survivor.GetFromJsonAsync<JsonElement>($"/v1/imports?downloadJobId={job}", MediaApiFactory.Json, Ct)).GetProperty("items").EnumerateArray().ToList();
            Assert.That(imports.Select(i => (i.GetProperty("method").GetString(), i.GetProperty("succeeded").GetBoolean())), Is.EqualTo(new[] { ("hardlink", true) }), "one import record per file");
            var destination = Path.Combine(_root, "downloads-library", imports[0].GetProperty("destinationPath").GetString()!);
            Assert.That(TestFiles.Inode(destination), Is.EqualTo(TestFiles.Inode(source)), "one hardlink of the downloaded file");
        }
        Assert.That(await ScalarAsync($"SELECT count(*) FROM media_file WHERE library_id = '{library}'"), Is.EqualTo(2));
    }
}
