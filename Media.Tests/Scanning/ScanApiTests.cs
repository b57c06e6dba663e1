using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Scans;
using Media.Domain.Unmatched;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Scanning;

#pragma warning disable CS0618 // [Order]: the tests below are one story told in steps, on one library

/// <summary>
/// Scans of real temporary trees through the API, with real PostgreSQL and the fake TMDB: the rows they leave in
/// media_item, season, episode, media_file, media_file_state, media_file_import and unmatched_file.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class ScanApiTests(Provider provider)
{
    private FakeTmdb _tmdb = null!;
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _root = null!;
    private Guid _movies;
    private Guid _shows;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    private string MoviesRoot => Path.Combine(_root, "movies");
    private string ShowsRoot => Path.Combine(_root, "shows");

    [OneTimeSetUp]
    public async Task Start()
    {
        _tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30", ImdbId: "tt0133093", Popularity: 80))
            .Add(new FakeMovie(604, "The Matrix Reloaded", "2003-05-15", Popularity: 40))
            .Add(new FakeMovie(949, "Heat", "1995-12-15"))
            .Add(new FakeMovie(27205, "Inception", "2010-07-15"))
            .Add(new FakeMovie(348, "Alien", "1979-05-25", ImdbId: "tt0078748"))
            .Add(new FakeMovie(680, "Pulp Fiction", "1994-09-10"))
            .Add(new FakeMovie(550, "Fight Club", "1999-10-15"))
            .Add(new FakeSeries(1396, "Breaking Bad", "2008-01-20", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Pilot"), new(2, "Cat's in the Bag..."), new(3, "...And the Bag's in the River")],
                [2] = [new(1, "Seven Thirty-Seven"), new(2, "Grilled"), new(3, "Bit by a Dead Bee")],
            }))
            .Add(new FakeSeries(95396, "Severance", "2022-02-18", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Good News About Hell"), new(2, "Half Loop"), new(3, "In Perpetuity")],
            }));
        _api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(_tmdb));
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-scan-{Guid.NewGuid():N}");

        TestFiles.Write(MoviesRoot, "The Matrix (1999)/The Matrix (1999).mkv", 1000);
        TestFiles.Write(MoviesRoot, "The Matrix (1999)/The Matrix (1999).nfo", 10);
        TestFiles.Write(MoviesRoot, "The Matrix (1999)/Sample/the.matrix.sample.mkv", 10);
        TestFiles.Write(MoviesRoot, "Heat.1995.1080p.BluRay.x264-GRP/heat.1995.1080p.bluray.x264-grp.mkv", 2000);
        TestFiles.Write(MoviesRoot, "Heat.1995.1080p.BluRay.x264-GRP/heat.1995.1080p.bluray.x264-grp-sample.mkv", 20);
        TestFiles.Write(MoviesRoot, "Heat.1995.1080p.BluRay.x264-GRP/heat.1995.part", 20);
        TestFiles.Write(MoviesRoot, "Inception {tmdb-27205}/Inception.mkv", 3000);
        TestFiles.Write(MoviesRoot, "Alien (1979) {imdb-tt0078748}/Alien.1979.mkv", 4000);
        TestFiles.Write(MoviesRoot, "@eaDir/The Matrix (1999).mkv", 10);
        TestFiles.Write(MoviesRoot, ".hidden/Some.Movie.2000.mkv", 10);
        TestFiles.Write(MoviesRoot, "The Matrix (1999)/Featurettes/Making of The Matrix.mkv", 10);
        TestFiles.Write(MoviesRoot, "Totally Unknown Film (2003)/Totally.Unknown.Film.2003.mkv", 5000);
        TestFiles.Write(MoviesRoot, "Matrix/Matrix.mkv", 6000);

        TestFiles.Write(ShowsRoot, "Breaking Bad (2008)/Season 01/Breaking.Bad.S01E01.720p.HDTV.x264-GRP.mkv", 100);
        TestFiles.Write(ShowsRoot, "Breaking Bad (2008)/Season 01/Breaking.Bad.S01E02.720p.HDTV.x264-GRP.mkv", 200);
        TestFiles.Write(ShowsRoot, "Breaking Bad (2008)/Season 02/Breaking Bad - S02E01 - Seven Thirty-Seven.mkv", 300);
        TestFiles.Write(ShowsRoot, "Breaking Bad (2008)/Season 02/Breaking Bad - S02E01 - Seven Thirty-Seven.en.srt", 3);
        TestFiles.Write(ShowsRoot, "Severance/Season 1/Severance.S01E01E02.mkv", 400);

        _movies = await CreateLibrary("Movies", "movies", MoviesRoot);
        _shows = await CreateLibrary("Shows", "series", ShowsRoot);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }


    private Task<Guid> CreateLibrary(string name, string kind, string root) => _admin.CreateLibraryAsync(name, kind, root, Ct);

    private Task<JsonElement> Scan(Guid library, string? folder = null) => _admin.ScanAsync(library, folder, Ct);

    private async Task<T> Db<T>(Func<MediaDbContext, Task<T>> query)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MediaDbContext>());
    }

    private Task<List<MediaFile>> FilesOf(Guid library) =>
        Db(db => db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == new LibraryId(library)).OrderBy(f => f.Path).ToListAsync(Ct));

    private static (int Seen, int Identified, int Unmatched, int Missing) Counters(JsonElement scan) =>
        (scan.GetProperty("filesSeen").GetInt32(), scan.GetProperty("filesIdentified").GetInt32(),
         scan.GetProperty("filesUnmatched").GetInt32(), scan.GetProperty("filesMissing").GetInt32());

    [Test, Order(1)]
    public async Task First_scan_of_movies_identifies_tidy_scene_and_tagged_names_and_queues_the_rest()
    {
        _tmdb.ResetCounts();
        var scan = await Scan(_movies);
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());
        Assert.That(Counters(scan), Is.EqualTo((6, 4, 2, 0)), "6 videos: 4 identified, 2 queued; junk, samples, extras and NAS folders skipped");
        var skipped = scan.GetProperty("skipped");
        Assert.That((skipped.GetProperty("systemFolders").GetInt32(), skipped.GetProperty("extrasFolders").GetInt32(),
                skipped.GetProperty("notVideo").GetInt32(), skipped.GetProperty("samples").GetInt32(), skipped.GetProperty("partial").GetInt32()),
            Is.EqualTo((2, 2, 1, 1, 1)), "what was skipped is counted by reason: @eaDir and .hidden; Sample and Featurettes; the nfo; the sample; the .part");
        Assert.That(scan.GetProperty("filesWalked").GetInt32(), Is.EqualTo(9), "every file the walk met");
        Assert.That(scan.GetProperty("startedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(scan.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));

        var files = await FilesOf(_movies);
        var items = await Db(db => db.Set<MediaItem>().AsNoTracking().ToDictionaryAsync(m => m.Id, Ct));
        Assert.That(files.Select(f => (f.Path, items[f.MediaItemId].TmdbId, f.EpisodeId)), Is.EqualTo(new (string, int, EpisodeId?)[]
        {
            ("Alien (1979) {imdb-tt0078748}/Alien.1979.mkv", 348, null),
            ("Heat.1995.1080p.BluRay.x264-GRP/heat.1995.1080p.bluray.x264-grp.mkv", 949, null),
            ("Inception {tmdb-27205}/Inception.mkv", 27205, null),
            ("The Matrix (1999)/The Matrix (1999).mkv", 603, null),
        }));
        Assert.That(files.Select(f => (f.State.Exists, f.State.Size)), Is.EqualTo(new[] { (true, 4000L), (true, 2000L), (true, 3000L), (true, 1000L) }));
        Assert.That(items.Values.Where(i => i.Type == MediaType.Movie).Select(i => (i.TmdbId, i.Title, i.Year)).OrderBy(i => i.TmdbId),
            Is.EqualTo(new[] { (348, "Alien", (int?)1979), (603, "The Matrix", 1999), (949, "Heat", 1995), (27205, "Inception", 2010) }));

        var fileIds = files.Select(f => f.Id).ToList();
        var imports = await Db(db => db.Set<ImportAttempt>().AsNoTracking().Where(i => fileIds.Contains(i.MediaFileId!.Value)).ToListAsync(Ct));
        Assert.That(imports, Has.Count.EqualTo(4));
        Assert.That(imports, Has.All.Matches<ImportAttempt>(i => i!.Method == ImportMethod.Scan && i.Succeeded && i.SourcePath == i.DestinationPath));

        var queue = await Db(db => db.Set<UnmatchedFile>().AsNoTracking().Where(u => u.LibraryId == new LibraryId(_movies)).OrderBy(u => u.Path).ToListAsync(Ct));
        Assert.That(queue.Select(u => (u.Path, u.Status, u.Size)), Is.EqualTo(new[]
        {
            ("Matrix/Matrix.mkv", UnmatchedStatus.Pending, 6000L),
            ("Totally Unknown Film (2003)/Totally.Unknown.Film.2003.mkv", UnmatchedStatus.Pending, 5000L),
        }));
        Assert.That(queue[0].Suggestions.Select(s => s.TmdbId), Is.EqualTo(new[] { 603, 604 }), "the likeliest first");
        Assert.That(queue[0].Suggestions, Has.All.Matches<MatchSuggestion>(s => s!.Score is > 0 and <= 1 && s.Type == MediaType.Movie));
        Assert.That(queue[1].Suggestions, Is.Empty);
    }

    [Test, Order(2)]
    public async Task First_scan_of_series_identifies_each_show_once_and_takes_episodes_from_tmdb_seasons()
    {
        _tmdb.ResetCounts();
        var scan = await Scan(_shows);
        Assert.That(Counters(scan), Is.EqualTo((4, 4, 0, 0)), scan.ToString());
        Assert.That(_tmdb.RequestsTo("/3/search/tv"), Is.EqualTo(2), "one search per show folder");
        Assert.That(_tmdb.RequestsTo("/3/tv/"), Is.EqualTo(3), "one request per season");

        var show = await Db(db => db.Set<MediaItem>().AsNoTracking().Include(m => m.Seasons).ThenInclude(s => s.Episodes)
            .SingleAsync(m => m.Type == MediaType.Series && m.TmdbId == 1396, Ct));
        Assert.That((show.Title, show.Year), Is.EqualTo(("Breaking Bad", (int?)2008)));
        Assert.That(show.Seasons.OrderBy(s => s.Number).Select(s => (s.Number, s.Episodes.Count)), Is.EqualTo(new[] { (1, 3), (2, 3) }));
        Assert.That(show.FindEpisode(2, 1)!.Title, Is.EqualTo("Seven Thirty-Seven"));

        var files = await FilesOf(_shows);
        Assert.That(files, Has.Count.EqualTo(4));
        Assert.That(files.All(f => f.EpisodeId is not null));
        var bb = files.Where(f => f.MediaItemId == show.Id).Select(f => f.EpisodeId).ToList();
        Assert.That(bb, Is.EquivalentTo(new[] { show.FindEpisode(1, 1)!.Id, show.FindEpisode(1, 2)!.Id, show.FindEpisode(2, 1)!.Id }));

        var severance = await Db(db => db.Set<MediaItem>().AsNoTracking().Include(m => m.Seasons).ThenInclude(s => s.Episodes)
            .SingleAsync(m => m.TmdbId == 95396, Ct));
        Assert.That(files.Single(f => f.MediaItemId == severance.Id).EpisodeId, Is.EqualTo(severance.FindEpisode(1, 1)!.Id),
            "a double episode is recorded against its first episode");
    }

    [Test, Order(3)]
    public async Task A_second_scan_changes_nothing_and_asks_tmdb_nothing()
    {
        var before = await Db(db => db.Set<MediaFile>().AsNoTracking().CountAsync(Ct));
        var importsBefore = await Db(db => db.Set<ImportAttempt>().AsNoTracking().CountAsync(Ct));
        var verifiedBefore = (await FilesOf(_movies)).Max(f => f.State.LastVerifiedAt);
        _tmdb.ResetCounts();

        var movies = await Scan(_movies);
        var shows = await Scan(_shows);

        Assert.That(Counters(movies), Is.EqualTo((6, 0, 2, 0)));
        Assert.That(Counters(shows), Is.EqualTo((4, 0, 0, 0)));
        Assert.That(await Db(db => db.Set<MediaFile>().AsNoTracking().CountAsync(Ct)), Is.EqualTo(before));
        Assert.That(await Db(db => db.Set<ImportAttempt>().AsNoTracking().CountAsync(Ct)), Is.EqualTo(importsBefore));
        Assert.That(await Db(db => db.Set<UnmatchedFile>().AsNoTracking().CountAsync(Ct)), Is.EqualTo(2));
        Assert.That(_tmdb.Requests, Is.Zero, "known files are not identified again; the queue's searches come from the cache");
        var files = await FilesOf(_movies);
        Assert.That(files.All(f => f.State.Exists && f.State.LastVerifiedAt > verifiedBefore), "every file verified again");
    }

    [Test, Order(4)]
    public async Task A_deleted_file_becomes_missing_and_exists_again_when_restored()
    {
        var path = Path.Combine(MoviesRoot, "Heat.1995.1080p.BluRay.x264-GRP/heat.1995.1080p.bluray.x264-grp.mkv");
        File.Move(path, path + ".away");
        var scan = await Scan(_movies);
        Assert.That(Counters(scan), Is.EqualTo((5, 0, 2, 1)), scan.ToString());
        var heat = (await FilesOf(_movies)).Single(f => f.Path.StartsWith("Heat", StringComparison.Ordinal));
        Assert.That(heat.State.Exists, Is.False);
        Assert.That((await FilesOf(_movies)).Count(f => f.State.Exists), Is.EqualTo(3));

        File.Move(path + ".away", path);
        TestFiles.Write(MoviesRoot, "Heat.1995.1080p.BluRay.x264-GRP/heat.1995.1080p.bluray.x264-grp.mkv", 2500);
        scan = await Scan(_movies);
        Assert.That(Counters(scan), Is.EqualTo((6, 0, 2, 0)));
        heat = (await FilesOf(_movies)).Single(f => f.Path.StartsWith("Heat", StringComparison.Ordinal));
        Assert.That((heat.State.Exists, heat.State.Size), Is.EqualTo((true, 2500L)), "back, with its new size");
    }

    [Test, Order(5)]
    public async Task A_folder_scan_walks_only_that_folder_and_marks_nothing_missing_outside_it()
    {
        var inception = Path.Combine(MoviesRoot, "Inception {tmdb-27205}/Inception.mkv");
        File.Move(inception, inception + ".away");
        try
        {
            var scan = await Scan(_movies, "The Matrix (1999)");
            Assert.That(scan.GetProperty("path").GetString()!, Is.EqualTo("The Matrix (1999)"));
            Assert.That(Counters(scan), Is.EqualTo((1, 0, 0, 0)));
            Assert.That((await FilesOf(_movies)).Single(f => f.Path.StartsWith("Inception", StringComparison.Ordinal)).State.Exists, Is.True);

            scan = await Scan(_movies, "Inception {tmdb-27205}");
            Assert.That(Counters(scan), Is.EqualTo((0, 0, 0, 1)), "inside the folder, a complete walk marks it missing");
        }
        finally
        {
            File.Move(inception + ".away", inception);
        }
        Assert.That(Counters(await Scan(_movies)).Missing, Is.Zero);
    }

    [Test, Order(6)]
    public async Task A_dismissed_file_stays_dismissed_and_a_gone_pending_file_leaves_the_queue()
    {
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            var unknown = await db.Set<UnmatchedFile>().SingleAsync(u => u.Path.StartsWith("Totally"), Ct);
            unknown.Dismiss(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync(Ct);
        }
        File.Delete(Path.Combine(MoviesRoot, "Matrix/Matrix.mkv"));

        var scan = await Scan(_movies);
        Assert.That(Counters(scan), Is.EqualTo((5, 0, 0, 0)), "the dismissed file is seen but not queued again");
        var queue = await Db(db => db.Set<UnmatchedFile>().AsNoTracking().Where(u => u.LibraryId == new LibraryId(_movies)).ToListAsync(Ct));
        Assert.That(queue.Select(u => (u.Path, u.Status)),
            Is.EqualTo(new[] { ("Totally Unknown Film (2003)/Totally.Unknown.Film.2003.mkv", UnmatchedStatus.Dismissed) }));
    }

    [Test, Order(7)]
    public async Task A_pending_file_is_identified_on_a_later_scan_once_tmdb_knows_it()
    {
        TestFiles.Write(MoviesRoot, "Brand New (2024)/Brand.New.2024.mkv", 700);
        Assert.That(Counters(await Scan(_movies)).Unmatched, Is.EqualTo(1));
        _tmdb.Add(new FakeMovie(777, "Brand New", "2024-02-02"));
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            // TMDB's earlier "no such title" answer is cached for a day; a day passes.
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            await _api.Services.GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().DrainAsync();
            await db.Set<Media.Domain.Caching.ApiCacheEntry>().Where(e => e.Key.Contains("Brand")).ExecuteDeleteAsync(Ct);
        }
        _api.Services.GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().ClearMemory();

        var scan = await Scan(_movies);
        Assert.That(Counters(scan).Identified, Is.EqualTo(1), scan.ToString());
        var entry = await Db(db => db.Set<UnmatchedFile>().AsNoTracking().SingleAsync(u => u.Path.StartsWith("Brand"), Ct));
        Assert.That((entry.Status, entry.MediaFileId is not null), Is.EqualTo((UnmatchedStatus.Matched, true)));
    }

    [Test, Order(8)]
    public async Task Forgetting_a_file_needs_it_to_be_missing_and_never_touches_the_disk()
    {
        var matrix = (await FilesOf(_movies)).Single(f => f.Path.StartsWith("The Matrix", StringComparison.Ordinal));
        using (var refused = await _admin.DeleteAsync($"/v1/media-files/{matrix.Id.Value}", Ct))
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var disk = Path.Combine(MoviesRoot, matrix.Path);
        File.Move(disk, disk + ".away");
        await Scan(_movies);
        File.Move(disk + ".away", disk);
        using (var forgotten = await _admin.DeleteAsync($"/v1/media-files/{matrix.Id.Value}", Ct))
            Assert.That(forgotten.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(File.Exists(disk), "the file on disk is untouched");
        using (var unknown = await _admin.DeleteAsync($"/v1/media-files/{Guid.NewGuid()}", Ct))
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        // The next scan finds it again as a new file and identifies it.
        Assert.That(Counters(await Scan(_movies)).Identified, Is.EqualTo(1));
    }

    [Test, Order(9)]
    public async Task A_scan_of_a_library_whose_root_has_gone_fails_and_marks_nothing_missing()
    {
        Directory.Move(ShowsRoot, ShowsRoot + ".unmounted");
        try
        {
            var scan = await Scan(_shows);
            Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("failed"));
            Assert.That(scan.GetProperty("error").GetString()!, Does.Contain("unavailable"));
            Assert.That(await FilesOf(_shows), Has.All.Matches<MediaFile>(f => f!.State.Exists));

            Directory.CreateDirectory(ShowsRoot); // an empty mount point
            scan = await Scan(_shows);
            Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("failed"));
            Assert.That(scan.GetProperty("error").GetString()!, Does.Contain("empty"));
            Assert.That(await FilesOf(_shows), Has.All.Matches<MediaFile>(f => f!.State.Exists));
            Directory.Delete(ShowsRoot);
        }
        finally
        {
            Directory.Move(ShowsRoot + ".unmounted", ShowsRoot);
        }
        Assert.That((await Scan(_shows)).GetProperty("status").GetString(), Is.EqualTo("completed"));
    }

    [Test, Order(10)]
    public async Task Tmdb_answering_429_and_500_for_a_while_slows_the_scan_but_loses_nothing()
    {
        TestFiles.Write(MoviesRoot, "Pulp Fiction (1994)/Pulp.Fiction.1994.mkv", 800);
        TestFiles.Write(MoviesRoot, "Fight Club (1999)/Fight.Club.1999.mkv", 900);
        _tmdb.FailNext(2, 429, retryAfterSeconds: 1);
        _tmdb.FailNext(3, 500);
        var scan = await Scan(_movies);
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That(Counters(scan).Identified, Is.EqualTo(2));
        var files = await FilesOf(_movies);
        Assert.That(files.Select(f => f.Path), Does.Contain("Pulp Fiction (1994)/Pulp.Fiction.1994.mkv").And.Contain("Fight Club (1999)/Fight.Club.1999.mkv"));
    }

    [Test, Order(11)]
    public async Task Only_one_scan_per_library_at_a_time_and_a_dead_instances_scan_is_taken_over()
    {
        var active = Media.Domain.Scans.Scan.Queue(new LibraryId(_shows), null, DateTimeOffset.UtcNow).Value;
        active.Start(DateTimeOffset.UtcNow); // running in another instance, alive: its heartbeat is fresh
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            db.Add(active);
            await db.SaveChangesAsync(Ct);
        }
        using (var refused = await _admin.PostAsync($"/v1/libraries/{_shows}/scan", null, Ct))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That((await refused.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("scan.already_running"));
        }

        // The other instance dies: its lease runs out, the scan goes back to the queue and this instance runs it.
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            await db.Set<Scan>().Where(s => s.Id == active.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.HeartbeatAt, DateTimeOffset.UtcNow.AddHours(-1)), Ct);
        }
        JsonElement old = default;
        for (var i = 0; i < 300; i++)
        {
            old = await _admin.GetFromJsonAsync<JsonElement>($"/v1/scans/{active.Id.Value}", MediaApiFactory.Json, Ct);
            if (old.GetProperty("status").GetString() is "completed" or "failed") break;
            await Task.Delay(100, Ct);
        }
        Assert.That(old.GetProperty("status").GetString(), Is.EqualTo("completed"), old.ToString());
        Assert.That(old.GetProperty("filesMissing").GetInt32(), Is.Zero, "run again from the start: nothing marked missing from a half walk");
        var scan = await Scan(_shows);
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"));
    }

    [Test, Order(12)]
    public async Task Lists_the_history_newest_first_and_refuses_bad_requests()
    {
        var page = await _admin.GetFromJsonAsync<JsonElement>($"/v1/scans?libraryId={_movies}&pageSize=2", MediaApiFactory.Json, Ct);
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
        Assert.That(page.GetProperty("totalCount").GetInt32(), Is.GreaterThan(5));
        var times = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("queuedAt").GetDateTimeOffset()).ToList();
        Assert.That(times, Is.Ordered.Descending);

        using (var unknown = await _admin.PostAsync($"/v1/libraries/{Guid.NewGuid()}/scan", null, Ct))
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using (var escape = await _admin.PostAsJsonAsync($"/v1/libraries/{_movies}/scan", new { path = "../etc" }, Ct))
            Assert.That(escape.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using (var absolute = await _admin.PostAsJsonAsync($"/v1/libraries/{_movies}/scan", new { path = "/etc" }, Ct))
            Assert.That(absolute.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using (var broken = await _admin.PostAsync($"/v1/libraries/{_movies}/scan", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"), Ct))
            Assert.That(broken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using (var missing = await _admin.GetAsync($"/v1/scans/{Guid.NewGuid()}", Ct))
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using (var pageSize = await _admin.GetAsync("/v1/scans?pageSize=501", Ct))
            Assert.That(pageSize.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test, Order(13)]
    public async Task A_series_library_costs_tmdb_requests_per_show_and_season_not_per_episode()
    {
        var root = Path.Combine(_root, "many-shows");
        for (var show = 1; show <= 10; show++)
        {
            var name = $"Show Number {show}";
            _tmdb.Add(new FakeSeries(50_000 + show, name, "2015-01-01", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [.. Enumerable.Range(1, 5).Select(e => new FakeEpisode(e, $"Episode {e}"))],
                [2] = [.. Enumerable.Range(1, 5).Select(e => new FakeEpisode(e, $"Episode {e}"))],
            }));
            for (var season = 1; season <= 2; season++)
                for (var episode = 1; episode <= 5; episode++)
                    TestFiles.Write(root, $"{name} (2015)/Season {season:00}/{name}.S{season:00}E{episode:00}.1080p.WEB.h264-GRP.mkv", 10);
        }
        var library = await CreateLibrary("Many shows", "series", root);
        _tmdb.ResetCounts();

        var scan = await Scan(library);

        Assert.That(Counters(scan), Is.EqualTo((100, 100, 0, 0)), scan.ToString());
        Assert.That(_tmdb.RequestsTo("/3/search/tv"), Is.EqualTo(10), "one search per show");
        Assert.That(_tmdb.Requests, Is.EqualTo(30), "10 searches and 20 season details for 100 episodes");
    }
}
