using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Scanning;

/// <summary>
/// Libraries with ordinary and hostile names (issue 11): a scan never loses a file without a word, one odd file never
/// fails it, and numbers that are titles stay titles. Each test has its own library and root.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class ScanCorrectnessTests(Provider provider)
{
    private FakeTmdb _tmdb = null!;
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _root = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30", Popularity: 80))
            .Add(new FakeMovie(949, "Heat", "1995-12-15"))
            .Add(new FakeMovie(27205, "Inception", "2010-07-15"))
            .Add(new FakeMovie(348, "Alien", "1979-05-25"))
            .Add(new FakeMovie(1398, "Room 237", "2012-10-26"))
            .Add(new FakeMovie(147, "The 400 Blows", "1959-05-04"))
            .Add(new FakeMovie(1271, "300", "2007-03-07"))
            .Add(new FakeMovie(530915, "1917", "2019-12-25"))
            .Add(new FakeMovie(14161, "2012", "2009-10-10"))
            .Add(new FakeMovie(844, "2046", "2004-09-28"))
            .Add(new FakeMovie(44115, "127 Hours", "2010-11-05"))
            .Add(new FakeMovie(568, "Apollo 13", "1995-06-30"))
            .Add(new FakeMovie(19913, "(500) Days of Summer", "2009-07-17"))
            .Add(new FakeSeries(95396, "Severance", "2022-02-18", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Good News About Hell"), new(2, "Half Loop"), new(3, "In Perpetuity"), new(4, "The You You Are")],
            }));
        _api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(_tmdb));
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-correct-{Guid.NewGuid():N}");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<(Guid Id, string Root)> Library(string kind, params (string Path, int Size)[] files)
    {
        var root = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        foreach (var (path, size) in files) TestFiles.Write(root, path, size);
        return (await _admin.CreateLibraryAsync($"L-{Guid.NewGuid():N}", kind, root, Ct), root);
    }

    private Task<JsonElement> Scan(Guid library, string? folder = null) => _admin.ScanAsync(library, folder, Ct);

    private async Task<T> Db<T>(Func<MediaDbContext, Task<T>> query)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MediaDbContext>());
    }

    private Task<List<(string Path, int TmdbId, bool Exists)>> Files(Guid library) => Db(async db =>
        (await db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == new LibraryId(library))
            .Join(db.Set<MediaItem>(), f => f.MediaItemId, m => m.Id, (f, m) => new { f.Path, m.TmdbId, f.State.Exists })
            .ToListAsync(Ct)).OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => (f.Path, f.TmdbId, f.Exists)).ToList());

    private Task<List<string>> Queue(Guid library) => Db(async db =>
        (await db.Set<UnmatchedFile>().AsNoTracking().Where(u => u.LibraryId == new LibraryId(library)).Select(u => u.Path).ToListAsync(Ct))
            .OrderBy(p => p, StringComparer.Ordinal).ToList());

    private static void Completed(JsonElement scan) =>
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());

    [Test]
    public async Task First_scan_with_the_same_title_twice_stores_every_file()
    {
        var (library, _) = await Library("movies",
            ("Heat (1995).mkv", 100), ("copies/Heat.mkv", 101),
            ("The Matrix (1999).mkv", 102), ("old/The Matrix (2000).mkv", 103),
            ("Inception {tmdb-27205}.mkv", 104), ("Inception (2010).mkv", 105));

        var scan = await Scan(library);

        Completed(scan);
        Assert.That(await Files(library), Is.EqualTo(new[]
        {
            ("Heat (1995).mkv", 949, true), ("Inception (2010).mkv", 27205, true), ("Inception {tmdb-27205}.mkv", 27205, true),
            ("The Matrix (1999).mkv", 603, true), ("copies/Heat.mkv", 949, true), ("old/The Matrix (2000).mkv", 603, true),
        }));
        Assert.That(await Db(db => db.Set<MediaItem>().CountAsync(m => m.TmdbId == 949 || m.TmdbId == 603 || m.TmdbId == 27205, Ct)), Is.EqualTo(3));
    }

    [Test]
    public async Task Names_with_backslashes_and_dots_are_stored_as_the_file_system_has_them()
    {
        var (library, root) = await Library("movies", ("Heat (1995)\\Heat (1995).mkv", 100), ("..\\..\\Home Video.mkv", 101), ("Alien (1979).mkv", 102));

        var first = await Scan(library);
        var second = await Scan(library);

        Completed(first);
        Completed(second);
        Assert.That(File.Exists(Path.Combine(root, "Heat (1995)\\Heat (1995).mkv")), "one file whose name holds a backslash");
        var files = await Files(library);
        Assert.That(files.Select(f => f.Path), Does.Contain("Heat (1995)\\Heat (1995).mkv").And.Contain("Alien (1979).mkv"));
        Assert.That(files, Has.All.Matches<(string, int, bool Exists)>(f => f.Exists), "the second scan found every file where the first put it");
        Assert.That(await Queue(library), Is.EqualTo(new[] { "..\\..\\Home Video.mkv" }));
        Assert.That(second.GetProperty("filesMissing").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task A_path_too_long_for_a_btree_index_is_stored_and_later_scans_still_work()
    {
        // 12 folders of 80 CJK characters (240 bytes each): about 2.9 KB of path, past PostgreSQL's btree limit, in
        // characters that do not repeat (an index compresses a repetitive value below the limit).
        var random = new Random(11);
        var folder = string.Join('/', Enumerable.Range(0, 12).Select(_ => new string(Enumerable.Range(0, 80).Select(_ => (char)random.Next(0x4E00, 0x9FA0)).ToArray())));
        var (library, root) = await Library("movies", ($"{folder}/Unknown Film.mkv", 100), ("Heat (1995).mkv", 101));

        var first = await Scan(library);
        File.Delete(Path.Combine(root, "Heat (1995).mkv"));
        TestFiles.Write(root, "Alien (1979).mkv", 102);
        var second = await Scan(library);

        Completed(first);
        Completed(second);
        Assert.That(await Queue(library), Is.EqualTo(new[] { $"{folder}/Unknown Film.mkv" }));
        Assert.That(await Files(library), Is.EqualTo(new[] { ("Alien (1979).mkv", 348, true), ("Heat (1995).mkv", 949, false) }),
            "the later scan still adds new files and marks missing ones");
        using var next = await _admin.PostAsync($"/v1/libraries/{library}/scan", null, Ct);
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the library is not left locked");
    }

    [Test]
    public async Task Folders_named_like_extras_or_with_marks_are_walked_outside_a_title_folder()
    {
        var (library, _) = await Library("movies",
            ("Other/Heat (1995)/Heat (1995).mkv", 100),
            ("#Classics/Alien (1979).mkv", 101),
            ("$Archive/The Matrix (1999).mkv", 102),
            ("@Home/Inception (2010).mkv", 103),
            ("Heat (1995)/Featurettes/Making of Heat.mkv", 104),
            ("Heat (1995)/Heat (1995) 4K.mkv", 105),
            ("@eaDir/Alien (1979).mkv", 106),
            ("#recycle/Alien (1979).mkv", 107),
            (".hidden/Alien (1979).mkv", 108));

        var scan = await Scan(library);

        Completed(scan);
        Assert.That((await Files(library)).Select(f => f.Path), Is.EqualTo(new[]
        {
            "#Classics/Alien (1979).mkv", "$Archive/The Matrix (1999).mkv", "@Home/Inception (2010).mkv",
            "Heat (1995)/Heat (1995) 4K.mkv", "Other/Heat (1995)/Heat (1995).mkv",
        }));
        var skipped = scan.GetProperty("skipped");
        Assert.That(skipped.GetProperty("systemFolders").GetInt32(), Is.EqualTo(3), scan.ToString());
        Assert.That(skipped.GetProperty("extrasFolders").GetInt32(), Is.EqualTo(1), scan.ToString());
    }

    [Test]
    public async Task A_root_holding_only_non_media_files_while_the_library_has_files_is_an_unmounted_share()
    {
        var (library, root) = await Library("movies", ("Heat (1995).mkv", 100), ("Alien (1979).mkv", 101));
        Completed(await Scan(library));
        File.Delete(Path.Combine(root, "Heat (1995).mkv"));
        File.Delete(Path.Combine(root, "Alien (1979).mkv"));
        TestFiles.Write(root, ".DS_Store", 10);
        TestFiles.Write(root, "placeholder.txt", 10);

        var scan = await Scan(library);

        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("failed"), scan.ToString());
        Assert.That(await Files(library), Has.All.Matches<(string, int, bool Exists)>(f => f.Exists), "nothing marked missing");
    }

    [Test]
    public async Task Numbers_that_are_titles_stay_titles_in_a_movie_library()
    {
        var (library, _) = await Library("movies",
            ("Room 237 (2012).mkv", 100), ("The.400.Blows.1959.1080p.BluRay.x264.mkv", 101), ("300 (2007).mkv", 102),
            ("1917 (2019)/1917.2019.2160p.mkv", 103), ("2012 (2009).mkv", 104), ("2046.2004.720p.mkv", 105),
            ("127 Hours (2010).mkv", 106), ("Apollo 13 (1995).mkv", 107), ("(500) Days of Summer (2009).mkv", 108));

        var scan = await Scan(library);

        Completed(scan);
        Assert.That(await Queue(library), Is.Empty);
        Assert.That((await Files(library)).Select(f => f.TmdbId).Order(), Is.EqualTo(new[] { 147, 568, 844, 1271, 1398, 14161, 19913, 44115, 530915 }));
    }

    [Test]
    public async Task A_queued_file_matched_in_the_scan_that_finds_a_known_file_changed_is_stored_with_its_match()
    {
        // The queued file waits for a title TMDB did not have; another library then brings the title in.
        var (library, root) = await Library("movies", ("Heat (1995).mkv", 100), ("Solaris (1972).mkv", 101));
        Completed(await Scan(library));
        Assert.That(await Queue(library), Is.EqualTo(new[] { "Solaris (1972).mkv" }));
        _tmdb.Add(new FakeMovie(593, "Solaris", "1972-03-20"));
        var (other, _) = await Library("movies", ("Solaris {tmdb-593}.mkv", 102));
        Completed(await Scan(other));

        // The re-scan matches the queued file (a new file and its queue entry) and sees a known file changed (its
        // state): the two are written together, the new file before the entry that names it.
        TestFiles.Write(root, "Heat (1995).mkv", 150);
        var scan = await Scan(library);

        Completed(scan);
        Assert.That(await Files(library), Is.EqualTo(new[] { ("Heat (1995).mkv", 949, true), ("Solaris (1972).mkv", 593, true) }));
        var entry = await Db(db => db.Set<UnmatchedFile>().AsNoTracking().SingleAsync(u => u.LibraryId == new LibraryId(library), Ct));
        Assert.That((entry.Status, entry.MediaFileId is null), Is.EqualTo((UnmatchedStatus.Matched, false)));
        Assert.That(await Db(db => db.Set<MediaFile>().AsNoTracking().Where(f => f.Path == "Heat (1995).mkv" && f.LibraryId == new LibraryId(library))
            .Select(f => f.State.Size).SingleAsync(Ct)), Is.EqualTo(150));
    }

    [Test]
    public async Task A_file_of_several_episodes_is_the_file_of_each_of_them()
    {
        var (library, _) = await Library("series",
            ("Severance (2022)/Season 1/Severance.S01E01E02.mkv", 100), ("Severance (2022)/Season 1/Severance.S01E03-E04.mkv", 101));

        Completed(await Scan(library));

        var item = await Db(db => db.Set<MediaItem>().AsNoTracking().SingleAsync(m => m.TmdbId == 95396, Ct));
        var detail = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-items/{item.Id.Value}", MediaApiFactory.Json, Ct);
        var episodeIds = detail.GetProperty("seasons")[0].GetProperty("episodes").EnumerateArray()
            .ToDictionary(e => e.GetProperty("number").GetInt32(), e => e.GetProperty("id").GetGuid());
        var files = detail.GetProperty("files").EnumerateArray().ToDictionary(
            f => f.GetProperty("path").GetString()!,
            f => f.GetProperty("episodeIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
        Assert.That(files["Severance (2022)/Season 1/Severance.S01E01E02.mkv"], Is.EqualTo(new[] { episodeIds[1], episodeIds[2] }));
        Assert.That(files["Severance (2022)/Season 1/Severance.S01E03-E04.mkv"], Is.EqualTo(new[] { episodeIds[3], episodeIds[4] }));
    }

    [Test]
    public async Task A_scan_waiting_on_a_slow_tmdb_keeps_its_heartbeat()
    {
        var files = Enumerable.Range(1, 12).Select(i => ($"Unknown Film Number {i} ({1950 + i}).mkv", 100 + i)).ToArray();
        var (library, _) = await Library("movies", files);
        _tmdb.Latency = TimeSpan.FromSeconds(4);
        try
        {
            using var started = await _admin.PostAsync($"/v1/libraries/{library}/scan", null, Ct);
            var id = (await started.JsonAsync()).GetProperty("id").GetGuid();
            await Task.Delay(TimeSpan.FromSeconds(7), Ct);
            var scan = await _admin.GetFromJsonAsync<JsonElement>($"/v1/scans/{id}", MediaApiFactory.Json, Ct);
            Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("running"), scan.ToString());
            var beat = scan.GetProperty("heartbeatAt").GetDateTimeOffset();
            Assert.That(DateTimeOffset.UtcNow - beat, Is.LessThan(TimeSpan.FromSeconds(4)), "the heartbeat beats while the scan waits on TMDB");
        }
        finally
        {
            _tmdb.Latency = TimeSpan.Zero;
        }
    }

    [Test]
    public async Task A_scan_left_queued_when_an_instance_stopped_runs_when_an_instance_starts()
    {
        var (library, _) = await Library("movies", ("Heat (1995).mkv", 100));
        var waiting = Media.Domain.Scans.Scan.Queue(new LibraryId(library), null, DateTimeOffset.UtcNow.AddHours(-3)).Value;
        await Db(async db =>
        {
            db.Add(waiting);
            return await db.SaveChangesAsync(Ct);
        });

        await using var restarted = MediaApiFactory.ForDatabase(provider, _api.ConnectionString, MediaApiFactory.TmdbSettings(_tmdb));
        using var client = restarted.ClientWithKey(_api.AdminKey);
        JsonElement scan = default;
        for (var i = 0; i < 100; i++)
        {
            scan = await client.GetFromJsonAsync<JsonElement>($"/v1/scans/{waiting.Id.Value}", MediaApiFactory.Json, Ct);
            if (scan.GetProperty("status").GetString() is "completed" or "failed") break;
            await Task.Delay(100, Ct);
        }

        Completed(scan);
        Assert.That(await Files(library), Is.EqualTo(new[] { ("Heat (1995).mkv", 949, true) }), "three hours in the queue, and still run, not abandoned");
    }
}
