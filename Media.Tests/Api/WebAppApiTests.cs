using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Application.MediaFiles;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>What the web app needs from the host and the API: its files, its fallback, and the endpoints added for it.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class WebAppApiTests(Provider provider)
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
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30", ImdbId: "tt0133093", Popularity: 80))
            .Add(new FakeMovie(604, "The Matrix Reloaded", "2003-05-15", Popularity: 40))
            .Add(new FakeMovie(949, "Heat", "1995-12-15"))
            .Add(new FakeSeries(95396, "Severance", "2022-02-18", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Good News About Hell"), new(2, "Half Loop")],
            }));
        _api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(_tmdb));
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-webapp-{Guid.NewGuid():N}");
        var movies = Path.Combine(_root, "movies");
        foreach (var name in new[]
                 {
                     "The Matrix (1999)/The Matrix (1999).mkv", "Disk2/Heat (1995)/Heat (1995).mkv", "Disk2/Reel A (2001)/Reel A (2001) 1080p.mkv",
                     "Disk2/Deeper/The Matrix Reloaded (2003)/The Matrix Reloaded (2003).mkv", "Odd Reel (2002)/Odd Reel (2002).mkv",
                 })
            TestFiles.Write(movies, name, 1000);
        TestFiles.Write(Path.Combine(_root, "shows"), "Sevrance Rip/sev.s01e01.mkv", 1000);
        TestFiles.Write(Path.Combine(_root, "shows"), "Sevrance Rip/sev.s01e02.mkv", 1000);
        TestFiles.Write(Path.Combine(_root, "shows"), "Other/x.s01e01.mkv", 1000);
        _movies = await _admin.CreateLibraryAsync("Movies", "movies", movies, Ct);
        _shows = await _admin.CreateLibraryAsync("Shows", "series", Path.Combine(_root, "shows"), Ct);
        await _admin.ScanAsync(_movies, null, Ct);
        await _admin.ScanAsync(_shows, null, Ct);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<JsonElement> Get(string url)
    {
        using var response = await _admin.GetAsync(url, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync(Ct));
        return await response.JsonAsync();
    }

    [TestCase("/")]
    [TestCase("/libraries")]
    [TestCase("/unmatched?libraryId=1")]
    [TestCase("/titles/0195a0c0-0000-7000-8000-000000000001")]
    public async Task ClientRoutes_ServeTheAppShell(string path)
    {
        using var client = _api.CreateClient();
        using var response = await client.GetAsync(path, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.That(html, Does.Contain("<script type=\"importmap\">").And.Contain("/app/main.js"));
    }

    [TestCase("/app/main.js", "text/javascript")]
    [TestCase("/vendor/preact/preact.mjs", "text/javascript")]
    [TestCase("/vendor/htm/htm.mjs", "text/javascript")]
    [TestCase("/app/app.css", "text/css")]
    public async Task Assets_AreServedCompressedWithValidators(string path, string type)
    {
        using var client = _api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await client.SendAsync(request, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(type));
        Assert.That(response.Content.Headers.ContentEncoding, Does.Contain("gzip"));
        Assert.That(response.Headers.ETag, Is.Not.Null);
        Assert.That(response.Content.Headers.ContentLength, Is.GreaterThan(100));
        // Really compressed: the build's .gz copy, not the file wrapped in an uncompressed gzip stream (what the
        // runtime reload of static assets sends when a file's time differs from the manifest's by a fraction of a second).
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        await using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain, Ct);
        Assert.That(body.Length, Is.LessThan(plain.Length * 0.6), $"{body.Length} bytes for a {plain.Length}-byte file");
    }

    [TestCase("/v1/nothing-here")]
    [TestCase("/v1/libraries/not-a-guid")]
    [TestCase("/health/nothing")]
    public async Task UnknownApiPaths_AreProblems_NeverThePage(string path)
    {
        using var response = await _admin.GetAsync(path, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.JsonAsync();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(404));
    }

    [Test]
    public async Task ApiRoutes_AnswerAsBefore()
    {
        using var anonymous = _api.CreateClient();
        Assert.That((await anonymous.GetAsync("/health/live", Ct)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await anonymous.GetAsync("/v1/libraries", Ct)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await anonymous.GetAsync("/openapi/v1.json", Ct)).Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That((await Get("/v1/libraries")).GetProperty("totalCount").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task MetadataSearch_ByTitleYearTmdbAndImdbId_SaysWhatTheLibraryHas()
    {
        var byTitle = (await Get("/v1/metadata/search?type=movie&query=matrix")).GetProperty("items").EnumerateArray().ToList();
        Assert.That(byTitle.Select(h => h.GetProperty("tmdbId").GetInt32()), Is.EqualTo(new[] { 603, 604 }));
        Assert.That(byTitle[0].GetProperty("inLibrary").GetBoolean(), Is.True, "The Matrix was identified by the scan");
        Assert.That(byTitle[0].GetProperty("mediaItemId").GetGuid(), Is.Not.EqualTo(Guid.Empty));

        var byYear = (await Get("/v1/metadata/search?type=movie&query=matrix&year=2003")).GetProperty("items");
        Assert.That(byYear.EnumerateArray().Select(h => h.GetProperty("title").GetString()), Is.EqualTo(new[] { "The Matrix Reloaded" }));

        var byId = (await Get("/v1/metadata/search?type=series&tmdbId=95396")).GetProperty("items");
        Assert.That((byId[0].GetProperty("title").GetString(), byId[0].GetProperty("year").GetInt32(), byId[0].GetProperty("inLibrary").GetBoolean()),
            Is.EqualTo(("Severance", 2022, false)));

        var byImdb = (await Get("/v1/metadata/search?imdbId=tt0133093")).GetProperty("items");
        Assert.That((byImdb[0].GetProperty("tmdbId").GetInt32(), byImdb[0].GetProperty("type").GetString()), Is.EqualTo((603, "movie")));

        Assert.That((await Get("/v1/metadata/search?type=movie&tmdbId=999999")).GetProperty("items").GetArrayLength(), Is.Zero);
    }

    [TestCase("/v1/metadata/search")]
    [TestCase("/v1/metadata/search?type=movie&query=x&tmdbId=3")]
    [TestCase("/v1/metadata/search?type=film&query=matrix")]
    [TestCase("/v1/metadata/search?imdbId=nm0000206")]
    [TestCase("/v1/metadata/search?type=movie&tmdbId=-1")]
    public async Task MetadataSearch_BadQuestions_Are400(string url)
    {
        using var response = await _admin.GetAsync(url, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync(Ct));
    }

    [Test]
    public async Task SeriesSeasons_ListEpisodesFromTmdb()
    {
        var seasons = (await Get("/v1/metadata/series/95396/seasons")).GetProperty("items");
        Assert.That(seasons[0].GetProperty("number").GetInt32(), Is.EqualTo(1));
        Assert.That(seasons[0].GetProperty("episodes").EnumerateArray().Select(e => e.GetProperty("title").GetString()),
            Is.EqualTo(new[] { "Good News About Hell", "Half Loop" }));
        using var unknown = await _admin.GetAsync("/v1/metadata/series/424242/seasons", Ct);
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }

    [Test]
    public async Task UnmatchedList_FiltersByFolder_AndShowsWhatTheParserRead()
    {
        var page = await Get($"/v1/unmatched-files?libraryId={_shows}&folder=Sevrance%20Rip/");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.That(page.GetProperty("totalCount").GetInt32(), Is.EqualTo(2));
        Assert.That(items.Select(i => i.GetProperty("path").GetString()), Is.EquivalentTo(new[] { "Sevrance Rip/sev.s01e01.mkv", "Sevrance Rip/sev.s01e02.mkv" }));
        var parsed = items.Single(i => i.GetProperty("path").GetString()!.EndsWith("e02.mkv", StringComparison.Ordinal)).GetProperty("parsed");
        Assert.That((parsed.GetProperty("kind").GetString(), parsed.GetProperty("season").GetInt32(), parsed.GetProperty("episodes")[0].GetInt32()),
            Is.EqualTo(("episode", 1, 2)));
        var other = (await Get($"/v1/unmatched-files?libraryId={_shows}&folder=Other")).GetProperty("totalCount").GetInt32();
        Assert.That((await Get($"/v1/unmatched-files?libraryId={_shows}")).GetProperty("totalCount").GetInt32(), Is.EqualTo(2 + other));
        Assert.That((await Get($"/v1/unmatched-files?libraryId={_shows}&folder=Sevrance")).GetProperty("totalCount").GetInt32(), Is.Zero,
            "a folder is a whole path segment, not a prefix of a name");
    }

    [Test, NonParallelizable]
    public async Task MissingFolders_AnEmptiedFolderIsOneGroup_WithTheScanThatFoundIt()
    {
        var root = Path.Combine(_root, "movies");
        var disk = Path.Combine(root, "Disk2");
        var moved = Path.Combine(_root, "Disk2-away");
        Directory.Move(disk, moved);
        try
        {
            var scan = await _admin.ScanAsync(_movies, null, Ct);
            Assert.That(scan.GetProperty("filesMissing").GetInt32(), Is.EqualTo(2)); // Heat and the Reloaded; Reel A was only queued
            var groups = await Get($"/v1/media-files/missing-folders?libraryId={_movies}");
            Assert.That(groups.GetProperty("totalCount").GetInt32(), Is.EqualTo(1));
            var group = groups.GetProperty("items")[0];
            Assert.That((group.GetProperty("folder").GetString(), group.GetProperty("files").GetInt32()), Is.EqualTo(("Disk2", 2)));
            Assert.That(group.GetProperty("scanId").GetGuid(), Is.EqualTo(scan.GetProperty("id").GetGuid()));
            Assert.That(group.GetProperty("lastSeenAt").ValueKind, Is.EqualTo(JsonValueKind.String));

            var files = await Get($"/v1/media-files?libraryId={_movies}&exists=false&folder=Disk2/Deeper");
            Assert.That(files.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("path").GetString()),
                Is.EqualTo(new[] { "Disk2/Deeper/The Matrix Reloaded (2003)/The Matrix Reloaded (2003).mkv" }));
        }
        finally
        {
            Directory.Move(moved, disk);
            await _admin.ScanAsync(_movies, null, Ct);
        }
        Assert.That((await Get($"/v1/media-files/missing-folders?libraryId={_movies}")).GetProperty("totalCount").GetInt32(), Is.Zero);
    }

    [Test]
    public void MissingFolders_GroupUnderTheHighestFolderWithNothingLeft()
    {
        var library = new LibraryId(Guid.NewGuid());
        var at = DateTimeOffset.UtcNow;
        var present = new HashSet<(LibraryId, string)>();
        MissingFolders.AddFoldersOf(present, new FileLocation(library, "A/Kept (2000)/kept.mkv", at));
        var groups = MissingFolders.Group(
        [
            new(library, "A/Gone (2001)/gone.mkv", at), new(library, "A/Kept (2000)/other.mkv", at.AddMinutes(-1)),
            new(library, "B/X/x.mkv", at), new(library, "B/Y/y.mkv", at), new(library, "root.mkv", at),
        ], present);
        Assert.That(groups.Select(g => (g.Folder, g.Files)), Is.EqualTo(new[] { ("", 1), ("A/Gone (2001)", 1), ("A/Kept (2000)", 1), ("B", 2) }));
    }

    [Test]
    public async Task Imports_FilterByMethodErrorCodeAndPath()
    {
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Media.Infrastructure.Persistence.MediaDbContext>();
            db.Add(ImportAttempt.Failure(ImportMethod.Copy, "verify_failed", "The copy differs.", "/downloads/Odd.Reel.mkv", "Odd Reel (2002)/Odd Reel (2002).mkv", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(Ct);
        }
        var scans = await Get("/v1/imports?method=scan&pageSize=500");
        Assert.That(scans.GetProperty("items").EnumerateArray().All(i => i.GetProperty("method").GetString() == "scan"));
        Assert.That(scans.GetProperty("totalCount").GetInt32(), Is.GreaterThanOrEqualTo(2));
        var failed = await Get("/v1/imports?errorCode=verify_failed");
        Assert.That(failed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sourcePath").GetString()), Is.EqualTo(new[] { "/downloads/Odd.Reel.mkv" }));
        var byPath = await Get("/v1/imports?path=Odd.Reel&method=copy");
        Assert.That(byPath.GetProperty("totalCount").GetInt32(), Is.EqualTo(1));
        using var bad = await _admin.GetAsync("/v1/imports?method=teleport", Ct);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task TemplatePreview_RendersASampleTitle_OrSaysWhatIsWrong()
    {
        var movie = await Get("/v1/name-templates/preview?kind=movie&pattern=" + Uri.EscapeDataString("{Title} ({Year})/{Title} [{TmdbId}]"));
        Assert.That(movie.GetProperty("path").GetString(), Is.EqualTo("The Matrix (1999)/The Matrix [603].mkv"));
        var episode = await Get("/v1/name-templates/preview?kind=episode&pattern=" + Uri.EscapeDataString("{Series Title}/S{Season:00}E{Episode:00} {Episode Title}"));
        Assert.That(episode.GetProperty("path").GetString(), Is.EqualTo("Breaking Bad/S01E01 Pilot.mkv"));
        using var bad = await _admin.GetAsync("/v1/name-templates/preview?kind=movie&pattern=" + Uri.EscapeDataString("{Title} {Season}"), Ct);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.JsonAsync()).GetProperty("errors").GetProperty("pattern")[0].GetString(), Does.Contain("{Season}"));
    }
}
