using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;
using Media.Domain.Users;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>The unmatched-files workflow and the read API, through the real host with PostgreSQL and the fake TMDB.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class UnmatchedApiTests(Provider provider)
{
    private FakeTmdb _tmdb = null!;
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _root = null!;
    private Guid _movies;
    private Guid _shows;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30"))
            .Add(new FakeMovie(949, "Heat", "1995-12-15"))
            .Add(new FakeMovie(680, "Pulp Fiction", "1994-09-10"))
            .Add(new FakeMovie(111, "Mystery Men", "1999-08-06"))
            .Add(new FakeSeries(1396, "Breaking Bad", "2008-01-20", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Pilot"), new(2, "Cat's in the Bag..."), new(3, "...And the Bag's in the River")],
            }));
        _api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(_tmdb));
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-unmatched-{Guid.NewGuid():N}");
        var movies = Path.Combine(_root, "movies");
        var shows = Path.Combine(_root, "shows");
        foreach (var (name, size) in new[]
                 {
                     ("Mystery Film (2001)/Mystery.Film.2001.mkv", 1001), ("Another Mystery (2002)/Another.Mystery.2002.mkv", 1002),
                     ("Third Mystery (2003)/Third.Mystery.2003.mkv", 1003), ("Fourth Mystery (2004)/Fourth.Mystery.2004.mkv", 1004),
                     ("Fifth Mystery (2005)/Fifth.Mystery.2005.mkv", 1005), ("Mystery (1999)/Mystery.1999.mkv", 1006),
                     ("Race A (2010)/Race.A.2010.mkv", 1007), ("Race B (2010)/Race.B.2010.mkv", 1008),
                 })
            TestFiles.Write(movies, name, size);
        TestFiles.Write(shows, "Weird Show/Season 1/Weird.Show.S01E01.mkv", 2001);
        TestFiles.Write(shows, "Weird Show/Season 1/Weird.Show.S01E02E03.mkv", 2002);
        TestFiles.Write(shows, "Weird Show/Season 1/Weird.Show.S01E09.mkv", 2003);
        _movies = await _admin.CreateLibraryAsync("Movies", "movies", movies, Ct);
        _shows = await _admin.CreateLibraryAsync("Shows", "series", shows, Ct);
        Assert.That((await _admin.ScanAsync(_movies, null, Ct)).GetProperty("filesUnmatched").GetInt32(), Is.EqualTo(8));
        Assert.That((await _admin.ScanAsync(_shows, null, Ct)).GetProperty("filesUnmatched").GetInt32(), Is.EqualTo(3));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }


    private async Task<JsonElement> Get(string url, HttpClient? client = null)
    {
        using var response = await (client ?? _admin).GetAsync(url, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync(Ct));
        return await response.JsonAsync();
    }

    private async Task<Guid> Queued(string pathStart)
    {
        var page = await Get("/v1/unmatched-files?pageSize=500");
        return page.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("path").GetString()!.StartsWith(pathStart, StringComparison.Ordinal)).GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> Match(Guid id, object body) =>
        await _admin.PostAsJsonAsync($"/v1/unmatched-files/{id}/match", body, Ct);

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = JsonDocument.Parse(body).RootElement;
        if (code is not null) Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code), body);
        return problem;
    }

    private async Task<T> Db<T>(Func<MediaDbContext, Task<T>> query)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MediaDbContext>());
    }

    [Test]
    public async Task Lists_the_queue_pending_first_in_a_stable_order_filtered_by_library_and_status()
    {
        var all = await Get("/v1/unmatched-files?pageSize=500");
        Assert.That(all.GetProperty("page").GetInt32(), Is.EqualTo(1));
        Assert.That(all.GetProperty("pageSize").GetInt32(), Is.EqualTo(500));
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.That(items, Has.All.Matches<JsonElement>(i => i.GetProperty("status").GetString() == "pending"));
        var pendingRows = await Db(db => db.Set<UnmatchedFile>().CountAsync(u => u.Status == UnmatchedStatus.Pending, Ct));
        Assert.That(all.GetProperty("totalCount").GetInt32(), Is.EqualTo(pendingRows).And.EqualTo(items.Count), "the kept counts agree with the rows");
        var dismissedRows = await Db(db => db.Set<UnmatchedFile>().CountAsync(u => u.Status == UnmatchedStatus.Dismissed && u.LibraryId == new Media.Domain.Common.LibraryId(_movies), Ct));
        Assert.That((await Get($"/v1/unmatched-files?status=dismissed&libraryId={_movies}")).GetProperty("totalCount").GetInt32(), Is.EqualTo(dismissedRows));
        var order = items.Select(i => (i.GetProperty("discoveredAt").GetDateTimeOffset(), i.GetProperty("id").GetGuid())).ToList();
        Assert.That(order, Is.EqualTo(order.OrderBy(o => o.Item1).ThenBy(o => o.Item2).ToList()));

        var shows = await Get($"/v1/unmatched-files?libraryId={_shows}");
        Assert.That(shows.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("libraryId").GetGuid()), Has.All.EqualTo(_shows));

        var first = await Get($"/v1/unmatched-files?libraryId={_movies}&pageSize=2&page=1");
        var second = await Get($"/v1/unmatched-files?libraryId={_movies}&pageSize=2&page=2");
        Assert.That(first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())
            .Intersect(second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())), Is.Empty);

        await Problem(await _admin.GetAsync("/v1/unmatched-files?status=lost", Ct), HttpStatusCode.BadRequest);
        await Problem(await _admin.GetAsync("/v1/unmatched-files?pageSize=0", Ct), HttpStatusCode.BadRequest);
        await Problem(await _admin.GetAsync("/v1/unmatched-files?libraryId=nope", Ct), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Shows_one_queued_file_with_its_suggestions()
    {
        var id = await Queued("Mystery (1999)");
        var file = await Get($"/v1/unmatched-files/{id}");
        Assert.That(file.GetProperty("path").GetString(), Is.EqualTo("Mystery (1999)/Mystery.1999.mkv"));
        Assert.That(file.GetProperty("size").GetInt64(), Is.EqualTo(1006));
        Assert.That(file.GetProperty("resolvedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var suggestions = file.GetProperty("suggestions").EnumerateArray()
            .Select(s => (s.GetProperty("tmdbId").GetInt32(), s.GetProperty("type").GetString())).ToList();
        Assert.That(suggestions, Does.Contain((111, "movie")), "Mystery Men, by likeness of title and year");
        await Problem(await _admin.GetAsync($"/v1/unmatched-files/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "unmatched_file.not_found");
    }

    [Test]
    public async Task Matching_a_movie_records_item_file_state_import_and_resolution_in_one_go()
    {
        var id = await Queued("Mystery Film");
        using var response = await Match(id, new { tmdbId = 603, type = "movie" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync(Ct));
        var file = await response.JsonAsync();
        Assert.That(file.GetProperty("path").GetString(), Is.EqualTo("Mystery Film (2001)/Mystery.Film.2001.mkv"));
        Assert.That(file.GetProperty("state").GetProperty("size").GetInt64(), Is.EqualTo(1001), "from a fresh stat");
        Assert.That(file.GetProperty("state").GetProperty("exists").GetBoolean());
        var fileId = file.GetProperty("id").GetGuid();

        var entry = await Get($"/v1/unmatched-files/{id}");
        Assert.That(entry.GetProperty("status").GetString(), Is.EqualTo("matched"));
        Assert.That(entry.GetProperty("mediaFileId").GetGuid(), Is.EqualTo(fileId));
        Assert.That(entry.GetProperty("resolvedAt").ValueKind, Is.EqualTo(JsonValueKind.String));

        var detail = await Get($"/v1/media-files/{fileId}");
        var imports = detail.GetProperty("imports").EnumerateArray().ToList();
        Assert.That(imports.Select(i => i.GetProperty("method").GetString()), Is.EqualTo(new[] { "manual_match" }));
        var item = await Get($"/v1/media-items/{file.GetProperty("mediaItemId").GetGuid()}");
        Assert.That((item.GetProperty("tmdbId").GetInt32(), item.GetProperty("title").GetString(), item.GetProperty("type").GetString()),
            Is.EqualTo((603, "The Matrix", "movie")));
        Assert.That(item.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("id").GetGuid()), Is.EqualTo(new[] { fileId }));

        await Problem(await Match(id, new { tmdbId = 603, type = "movie" }), HttpStatusCode.Conflict, "unmatched_file.already_resolved");
        await Problem(await _admin.PostAsync($"/v1/unmatched-files/{id}/dismiss", null, Ct), HttpStatusCode.Conflict, "unmatched_file.already_resolved");
        await Problem(await _admin.PostAsync($"/v1/unmatched-files/{id}/refresh", null, Ct), HttpStatusCode.Conflict, "unmatched_file.already_resolved");
    }

    [Test]
    public async Task A_target_tmdb_does_not_know_is_422_and_creates_nothing()
    {
        var id = await Queued("Another Mystery");
        var before = await Db(db => db.Set<MediaItem>().CountAsync(Ct));
        await Problem(await Match(id, new { tmdbId = 999_999, type = "movie" }), HttpStatusCode.UnprocessableEntity, "tmdb.unknown");
        Assert.That(await Db(db => db.Set<MediaItem>().CountAsync(Ct)), Is.EqualTo(before));
        Assert.That((await Get($"/v1/unmatched-files/{id}")).GetProperty("status").GetString(), Is.EqualTo("pending"));
    }

    [Test]
    public async Task Bad_bodies_are_400_with_field_errors_and_never_500()
    {
        var movie = await Queued("Third Mystery");
        var show = await Queued("Weird Show/Season 1/Weird.Show.S01E09");
        var missing = await Problem(await Match(movie, new { type = "movie" }), HttpStatusCode.BadRequest);
        Assert.That(missing.GetProperty("errors").TryGetProperty("tmdbId", out _));
        var wrongType = await Problem(await Match(movie, new { tmdbId = 603, type = "film" }), HttpStatusCode.BadRequest);
        Assert.That(wrongType.GetProperty("errors").TryGetProperty("type", out _));
        await Problem(await Match(movie, new { tmdbId = 1396, type = "series", season = 1, episodes = new[] { 1 } }), HttpStatusCode.BadRequest);
        await Problem(await Match(show, new { tmdbId = 603, type = "movie" }), HttpStatusCode.BadRequest);
        var noEpisodes = await Problem(await Match(show, new { tmdbId = 1396, type = "series" }), HttpStatusCode.BadRequest);
        Assert.That(noEpisodes.GetProperty("errors").TryGetProperty("season", out _) && noEpisodes.GetProperty("errors").TryGetProperty("episodes", out _));
        await Problem(await Match(movie, new { tmdbId = 603, type = "movie", episodes = new[] { 1 } }), HttpStatusCode.BadRequest);
        await Problem(await _admin.PostAsync($"/v1/unmatched-files/{movie}/match", new StringContent("{\"tmdbId\": \"x\"}", System.Text.Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest);
        await Problem(await _admin.PostAsync($"/v1/unmatched-files/{movie}/match", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest);
        await Problem(await Match(Guid.NewGuid(), new { tmdbId = 603, type = "movie" }), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Matching_episodes_checks_them_on_tmdb_and_creates_season_and_episode_rows()
    {
        var unknownEpisode = await Queued("Weird Show/Season 1/Weird.Show.S01E09");
        await Problem(await Match(unknownEpisode, new { tmdbId = 1396, type = "series", season = 1, episodes = new[] { 9 } }),
            HttpStatusCode.UnprocessableEntity, "tmdb.unknown_episode");
        await Problem(await Match(unknownEpisode, new { tmdbId = 1396, type = "series", season = 7, episodes = new[] { 1 } }),
            HttpStatusCode.UnprocessableEntity, "tmdb.unknown_season");

        var single = await Queued("Weird Show/Season 1/Weird.Show.S01E01");
        using var ok = await Match(single, new { tmdbId = 1396, type = "series", season = 1, episodes = new[] { 1 } });
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ok.Content.ReadAsStringAsync(Ct));
        var file = await ok.JsonAsync();

        var item = await Get($"/v1/media-items/{file.GetProperty("mediaItemId").GetGuid()}");
        var season = item.GetProperty("seasons").EnumerateArray().Single();
        Assert.That(season.GetProperty("number").GetInt32(), Is.EqualTo(1));
        var episodes = season.GetProperty("episodes").EnumerateArray().ToList();
        Assert.That(episodes.Select(e => e.GetProperty("title").GetString()), Is.EqualTo(new[] { "Pilot", "Cat's in the Bag...", "...And the Bag's in the River" }));
        Assert.That(file.GetProperty("episodeId").GetGuid(), Is.EqualTo(episodes[0].GetProperty("id").GetGuid()));

        var pair = await Queued("Weird Show/Season 1/Weird.Show.S01E02E03");
        using var two = await Match(pair, new { tmdbId = 1396, type = "series", season = 1, episodes = new[] { 3, 2 } });
        Assert.That(two.StatusCode, Is.EqualTo(HttpStatusCode.OK), await two.Content.ReadAsStringAsync(Ct));
        var twoFile = await two.JsonAsync();
        Assert.That(twoFile.GetProperty("episodeId").GetGuid(), Is.EqualTo(episodes[1].GetProperty("id").GetGuid()), "recorded against the first");
        var import = (await Get($"/v1/media-files/{twoFile.GetProperty("id").GetGuid()}")).GetProperty("imports")[0];
        Assert.That(import.GetProperty("error").GetString(), Does.Contain("episodes 2, 3"), "the other episode is not silently dropped");
    }

    [Test]
    public async Task A_file_that_vanished_is_409_and_nothing_is_created()
    {
        var id = await Queued("Fourth Mystery");
        var disk = Path.Combine(_root, "movies", "Fourth Mystery (2004)/Fourth.Mystery.2004.mkv");
        File.Move(disk, disk + ".away");
        try
        {
            var files = await Db(db => db.Set<MediaFile>().CountAsync(Ct));
            await Problem(await Match(id, new { tmdbId = 949, type = "movie" }), HttpStatusCode.Conflict, "unmatched_file.gone");
            Assert.That(await Db(db => db.Set<MediaFile>().CountAsync(Ct)), Is.EqualTo(files));
            Assert.That(await Db(db => db.Set<MediaItem>().CountAsync(m => m.TmdbId == 949, Ct)), Is.Zero);
        }
        finally
        {
            File.Move(disk + ".away", disk);
        }
    }

    [Test]
    public async Task Two_simultaneous_matches_to_the_same_new_movie_make_one_media_item()
    {
        var a = await Queued("Race A");
        var b = await Queued("Race B");
        var responses = await Task.WhenAll(
            Match(a, new { tmdbId = 680, type = "movie" }),
            Match(b, new { tmdbId = 680, type = "movie" }));
        foreach (var r in responses) Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), await r.Content.ReadAsStringAsync(Ct));
        var items = (await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("mediaItemId").GetGuid()))).Distinct().ToList();
        Assert.That(items, Has.Count.EqualTo(1));
        Assert.That(await Db(db => db.Set<MediaItem>().CountAsync(m => m.TmdbId == 680 && m.Type == MediaType.Movie, Ct)), Is.EqualTo(1));
        foreach (var r in responses) r.Dispose();
    }

    [Test]
    public async Task A_dismissed_file_stays_dismissed_after_a_rescan()
    {
        var id = await Queued("Fifth Mystery");
        using (var dismissed = await _admin.PostAsync($"/v1/unmatched-files/{id}/dismiss", null, Ct))
        {
            Assert.That(dismissed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await dismissed.JsonAsync()).GetProperty("status").GetString(), Is.EqualTo("dismissed"));
        }
        await _admin.ScanAsync(_movies, null, Ct);
        Assert.That((await Get($"/v1/unmatched-files/{id}")).GetProperty("status").GetString(), Is.EqualTo("dismissed"));
        var listed = await Get($"/v1/unmatched-files?status=dismissed&libraryId={_movies}");
        Assert.That(listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()), Does.Contain(id));
    }

    [Test]
    public async Task Refresh_replaces_the_suggestions_and_keeps_them_when_tmdb_cannot_answer()
    {
        var id = await Queued("Mystery (1999)");
        var before = await Get($"/v1/unmatched-files/{id}");
        _tmdb.Add(new FakeMovie(112, "Mystery", "1999-05-05", Popularity: 50));
        _api.Services.GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().ClearMemory();
        await _api.Services.GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().DrainAsync();
        await Db(db => db.Set<Media.Domain.Caching.ApiCacheEntry>().ExecuteDeleteAsync(Ct));

        var refreshed = await Refresh(id, HttpStatusCode.OK);
        var ids = refreshed.GetProperty("suggestions").EnumerateArray().Select(s => s.GetProperty("tmdbId").GetInt32()).ToList();
        Assert.That(ids[0], Is.EqualTo(112), "the exact title now leads");
        Assert.That(ids, Does.Contain(111));

        _api.Services.GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().ClearMemory();
        await _api.Services.GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().DrainAsync();
        await Db(db => db.Set<Media.Domain.Caching.ApiCacheEntry>().ExecuteDeleteAsync(Ct));
        _tmdb.FailNext(50, 503);
        try
        {
            using var unavailable = await _admin.PostAsync($"/v1/unmatched-files/{id}/refresh", null, Ct);
            await Problem(unavailable, HttpStatusCode.ServiceUnavailable, "tmdb.unavailable");
        }
        finally
        {
            _tmdb.ClearFailures();
        }
        var kept = await Get($"/v1/unmatched-files/{id}");
        Assert.That(kept.GetProperty("suggestions").ToString(), Is.EqualTo(refreshed.GetProperty("suggestions").ToString()));
        Assert.That(before.GetProperty("suggestions").GetArrayLength(), Is.GreaterThan(0));
    }

    private async Task<JsonElement> Refresh(Guid id, HttpStatusCode status)
    {
        using var response = await _admin.PostAsync($"/v1/unmatched-files/{id}/refresh", null, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync(Ct));
        return await response.JsonAsync();
    }

    [Test]
    public async Task The_read_api_pages_media_items_files_and_imports_with_their_filters()
    {
        var shows = await Get("/v1/media-items?type=series");
        Assert.That(shows.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()), Has.All.EqualTo("series"));
        var byTitle = await Get("/v1/media-items?q=matr");
        Assert.That(byTitle.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()), Is.EqualTo(new[] { "The Matrix" }));
        await Problem(await _admin.GetAsync("/v1/media-items?type=book", Ct), HttpStatusCode.BadRequest);
        await Problem(await _admin.GetAsync($"/v1/media-items/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound);

        var files = await Get($"/v1/media-files?libraryId={_movies}&exists=true");
        Assert.That(files.GetProperty("totalCount").GetInt32(), Is.GreaterThanOrEqualTo(1));
        var first = files.GetProperty("items")[0];
        Assert.That(first.GetProperty("state").GetProperty("exists").GetBoolean());
        var none = await Get($"/v1/media-files?libraryId={_movies}&exists=false");
        Assert.That(none.GetProperty("totalCount").GetInt32(), Is.Zero);
        var ofItem = await Get($"/v1/media-files?mediaItemId={first.GetProperty("mediaItemId").GetGuid()}");
        Assert.That(ofItem.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("mediaItemId").GetGuid()), Has.All.EqualTo(first.GetProperty("mediaItemId").GetGuid()));
        await Problem(await _admin.GetAsync("/v1/media-files?exists=maybe", Ct), HttpStatusCode.BadRequest);
        await Problem(await _admin.GetAsync($"/v1/media-files/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound);

        var imports = await Get($"/v1/imports?mediaFileId={first.GetProperty("id").GetGuid()}&succeeded=true");
        Assert.That(imports.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("mediaFileId").GetGuid()), Has.All.EqualTo(first.GetProperty("id").GetGuid()));
        var failed = await Get("/v1/imports?succeeded=false");
        Assert.That(failed.GetProperty("totalCount").GetInt32(), Is.Zero);
        var history = await Get("/v1/imports?pageSize=500");
        var times = history.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("attemptedAt").GetDateTimeOffset()).ToList();
        Assert.That(times, Is.Ordered.Descending);
    }

    [Test]
    public async Task Adds_a_title_from_tmdb_once()
    {
        using var created = await _admin.PostAsJsonAsync("/v1/media-items", new { type = "movie", tmdbId = 949 }, Ct);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Ct));
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        var duplicate = await Problem(await _admin.PostAsJsonAsync("/v1/media-items", new { type = "movie", tmdbId = 949 }, Ct), HttpStatusCode.Conflict, "media_item.duplicate");
        Assert.That(duplicate.GetProperty("existingId").GetString(), Is.EqualTo(id.ToString()));
        await Problem(await _admin.PostAsJsonAsync("/v1/media-items", new { type = "movie", tmdbId = 424_242 }, Ct), HttpStatusCode.UnprocessableEntity, "tmdb.unknown");
        await Problem(await _admin.PostAsJsonAsync("/v1/media-items", new { type = "song", tmdbId = 1 }, Ct), HttpStatusCode.BadRequest);

        using var series = await _admin.PostAsJsonAsync("/v1/media-items", new { type = "series", tmdbId = 1396 }, Ct);
        // Breaking Bad may already exist from a match in another test; either way it is there once, with its episodes.
        Assert.That(series.StatusCode, Is.AnyOf(HttpStatusCode.Created, HttpStatusCode.Conflict));
        Assert.That(await Db(db => db.Set<Episode>().CountAsync(Ct)), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task A_viewer_reads_but_cannot_resolve_and_a_manager_can()
    {
        var viewerKey = await _api.UserWithRoleAsync(Role.ViewerId);
        var managerKey = await _api.UserWithRoleAsync(Role.ManagerId);
        using var viewer = _api.ClientWithKey(viewerKey);
        using var manager = _api.ClientWithKey(managerKey);
        var id = await Queued("Another Mystery");
        Assert.That((await viewer.GetAsync("/v1/unmatched-files", Ct)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await viewer.GetAsync("/v1/media-items", Ct)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await viewer.PostAsync($"/v1/unmatched-files/{id}/dismiss", null, Ct)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await viewer.PostAsJsonAsync($"/v1/unmatched-files/{id}/match", new { tmdbId = 949, type = "movie" }, Ct)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await manager.PostAsync($"/v1/unmatched-files/{id}/refresh", null, Ct)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
