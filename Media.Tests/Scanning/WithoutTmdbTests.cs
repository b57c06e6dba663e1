using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Scanning;

/// <summary>No TMDB key: scans still work from ID tags and known titles; what needs TMDB says 503.</summary>
public sealed class WithoutTmdbTests
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _root = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-notmdb-{Guid.NewGuid():N}");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private void Write(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[64]);
    }

    [Test]
    public async Task Identifies_by_tags_and_known_titles_and_queues_the_rest()
    {
        Write("movies/The Matrix (1999) {tmdb-603}/The Matrix (1999).mkv");
        Write("movies/The Matrix (1999) {tmdb-603}/The Matrix (1999) - Director's copy.mkv");
        Write("movies/Heat (1995)/Heat.1995.1080p.mkv");
        Write("shows/Breaking Bad (2008) [tmdbid-1396]/Season 01/Breaking.Bad.S01E01.mkv");
        var movies = await _admin.CreateLibraryAsync("Movies", "movies", Path.Combine(_root, "movies"), Ct);
        var shows = await _admin.CreateLibraryAsync("Shows", "series", Path.Combine(_root, "shows"), Ct);

        var scan = await _admin.ScanAsync(movies, null, Ct);
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That((scan.GetProperty("filesIdentified").GetInt32(), scan.GetProperty("filesUnmatched").GetInt32()), Is.EqualTo((2, 1)));
        var showScan = await _admin.ScanAsync(shows, null, Ct);
        Assert.That(showScan.GetProperty("filesIdentified").GetInt32(), Is.EqualTo(1));

        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var matrix = await db.Set<MediaItem>().SingleAsync(m => m.TmdbId == 603, Ct);
        Assert.That((matrix.Title, matrix.Year), Is.EqualTo(("The Matrix", (int?)1999)), "title and year from the name");
        var series = await db.Set<MediaItem>().Include(m => m.Seasons).ThenInclude(s => s.Episodes).SingleAsync(m => m.TmdbId == 1396, Ct);
        Assert.That(series.FindEpisode(1, 1), Is.Not.Null, "season and episode rows from the name");
        Assert.That(await db.Set<MediaFile>().CountAsync(f => f.LibraryId == new LibraryId(movies), Ct), Is.EqualTo(2));

        // A title the library knows is recognised without TMDB, even without a tag.
        Write("movies/The Matrix (1999)/The.Matrix.1999.720p.mkv");
        Assert.That((await _admin.ScanAsync(movies, null, Ct)).GetProperty("filesIdentified").GetInt32(), Is.EqualTo(1));

        var heat = (await _admin.GetFromJsonAsync<JsonElement>($"/v1/unmatched-files?libraryId={movies}", MediaApiFactory.Json, Ct))
            .GetProperty("items")[0].GetProperty("id").GetGuid();
        using var refresh = await _admin.PostAsync($"/v1/unmatched-files/{heat}/refresh", null, Ct);
        Assert.That(refresh.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That((await refresh.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("tmdb.unavailable"));
        using var match = await _admin.PostAsJsonAsync($"/v1/unmatched-files/{heat}/match", new { tmdbId = 949, type = "movie" }, Ct);
        Assert.That(match.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }
}
