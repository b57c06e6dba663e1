using System.Diagnostics;
using Media.Application.Metadata;
using Media.Domain.Caching;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Tmdb;

[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class TmdbClientTests(Provider provider) : DatabaseTest(provider)
{
    private FakeTmdb _tmdb = null!;
    private readonly List<ServiceProvider> _providers = [];

    [OneTimeSetUp]
    public async Task StartTmdb()
    {
        _tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30", ImdbId: "tt0133093"))
            .Add(new FakeMovie(604, "The Matrix Reloaded", "2003-05-15"))
            .Add(new FakeMovie(9999, "Undated", ""))
            .Add(new FakeMovie(605, "Retried", "2001-01-01"))
            .Add(new FakeMovie(606, "Slow", "2001-01-01"))
            .Add(new FakeSeries(1399, "Game of Thrones", "2011-04-17", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Winter Is Coming", "2011-04-17"), new(2, "The Kingsroad", "2011-04-24")],
                [0] = [new(1, "Inside Episode 1", null)],
            }));
    }

    [OneTimeTearDown]
    public async Task StopTmdb() => await _tmdb.DisposeAsync();

    [SetUp]
    public void Reset()
    {
        _tmdb.ResetCounts();
        _tmdb.ClearFailures();
    }

    [TearDown]
    public async Task DisposeProviders()
    {
        foreach (var p in _providers) await p.DisposeAsync();
        _providers.Clear();
    }

    private IMetadataSource Client(string? apiKey = FakeTmdb.ApiKey, string attemptTimeout = "00:00:05", string retries = "3")
    {
        var services = TestDatabases.Services(Provider, ConnectionString, new Dictionary<string, string?>
        {
            ["Tmdb:ApiKey"] = apiKey,
            ["Tmdb:BaseUrl"] = _tmdb.BaseUrl,
            ["Tmdb:RetryBaseDelay"] = "00:00:00.050",
            ["Tmdb:MaxRetries"] = retries,
            ["Tmdb:AttemptTimeout"] = attemptTimeout,
        });
        _providers.Add(services);
        return services.GetRequiredService<IMetadataSource>();
    }

    [Test]
    public async Task Searches_movies_and_series_in_tmdb_shapes()
    {
        var tmdb = Client();
        var movies = await tmdb.SearchAsync(MediaType.Movie, "the matrix", 1999, Ct);
        Assert.That(movies.Select(m => (m.TmdbId, m.Title, m.Year)), Is.EqualTo(new[] { (603, "The Matrix", (int?)1999) }));

        var all = await tmdb.SearchAsync(MediaType.Movie, "matrix", null, Ct);
        Assert.That(all.Select(m => m.TmdbId), Is.EquivalentTo(new[] { 603, 604 }));

        var undated = await tmdb.SearchAsync(MediaType.Movie, "undated", null, Ct);
        Assert.That(undated.Single().Year, Is.Null, "release_date \"\" is no year");

        var shows = await tmdb.SearchAsync(MediaType.Series, "game of thrones", 2011, Ct);
        Assert.That(shows.Single(), Is.EqualTo(new MetadataCandidate(1399, MediaType.Series, "Game of Thrones", "Game of Thrones", 2011, 10)));
    }

    [Test]
    public async Task A_search_with_a_wrong_year_falls_back_to_no_year()
    {
        var found = await Client().SearchAsync(MediaType.Movie, "The Matrix Reloaded", 2002, Ct);
        Assert.That(found.Single().TmdbId, Is.EqualTo(604));
    }

    [Test]
    public async Task Reads_details_seasons_and_finds_by_imdb_id()
    {
        var tmdb = Client();
        Assert.That(await tmdb.GetMovieAsync(603, Ct), Is.EqualTo(new MovieMetadata(603, "The Matrix", "The Matrix", 1999, "tt0133093")));
        var series = await tmdb.GetSeriesAsync(1399, Ct);
        Assert.That(series!.Seasons.Select(s => (s.Number, s.EpisodeCount)), Is.EqualTo(new[] { (0, 1), (1, 2) }));
        var season = await tmdb.GetSeasonAsync(1399, 1, Ct);
        Assert.That(season!.Episodes.Select(e => (e.Number, e.Title, e.AirDate)),
            Is.EqualTo(new[] { (1, "Winter Is Coming", (DateOnly?)new DateOnly(2011, 4, 17)), (2, "The Kingsroad", new DateOnly(2011, 4, 24)) }));
        Assert.That((await tmdb.GetSeasonAsync(1399, 0, Ct))!.Episodes.Single().AirDate, Is.Null);
        Assert.That((await tmdb.FindByImdbIdAsync("tt0133093", Ct))?.TmdbId, Is.EqualTo(603));
        Assert.That(await tmdb.FindByImdbIdAsync("tt0000001", Ct), Is.Null);
    }

    [Test]
    public async Task Unknown_ids_are_null_and_the_miss_is_cached()
    {
        var tmdb = Client();
        Assert.That(await tmdb.GetMovieAsync(424242, Ct), Is.Null);
        Assert.That(await tmdb.GetSeasonAsync(1399, 9, Ct), Is.Null);
        Assert.That(await tmdb.GetMovieAsync(424242, Ct), Is.Null);
        Assert.That(_tmdb.RequestsTo("/3/movie/424242"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_memory_level_holds_a_bounded_amount_of_answer_text_however_large_the_answers()
    {
        _ = Client();
        var cache = _providers[^1].GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>();
        // A season's answer runs to tens of kilobytes: counted by entries, 4,096 of them held a scan's worth for good.
        var big = new string('x', 50_000);
        var keys = Enumerable.Range(0, 200).Select(i => $"/3/tv/{7_000 + i}/season/1").ToList();
        foreach (var key in keys) await cache.StoreAsync(key, big, TimeSpan.FromHours(1), Ct);
        await cache.DrainAsync();

        var held = keys.Count(cache.InMemory) * (long)big.Length;
        Assert.That(held, Is.LessThanOrEqualTo(Media.Infrastructure.Tmdb.TmdbResponseCache.MemoryBudgetChars));
        var small = "/3/search/movie?query=small";
        cache.ClearMemory();
        await cache.StoreAsync(small, "{\"results\":[]}", TimeSpan.FromHours(1), Ct);
        Assert.That(cache.InMemory(small), "a small answer is kept in memory");
    }

    [Test]
    public async Task An_answer_asked_again_before_it_is_in_the_table_is_not_asked_of_tmdb_again_when_memory_is_full()
    {
        var tmdb = Client();
        var cache = _providers[^1].GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>();
        var big = new string('x', 50_000);
        for (var i = 0; (i + 1) * (long)big.Length <= Media.Infrastructure.Tmdb.TmdbResponseCache.MemoryBudgetChars; i++)
            await cache.StoreAsync($"/3/tv/{8_000 + i}/season/1", big, TimeSpan.FromHours(1), Ct);
        await cache.DrainAsync(); // the memory level is full; the table has them all

        Assert.That(await tmdb.GetMovieAsync(605, Ct), Is.Not.Null);
        Assert.That(await tmdb.GetMovieAsync(605, Ct), Is.Not.Null, "asked again at once: the answer is still on its way to the table");
        Assert.That(_tmdb.RequestsTo("/3/movie/605"), Is.EqualTo(1));
    }

    [Test]
    public async Task Answers_are_cached_in_memory_and_in_the_api_cache_table()
    {
        await Client().GetMovieAsync(604, Ct);
        await _providers[^1].GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().DrainAsync();
        await Client().GetMovieAsync(604, Ct); // a new client (new memory) finds the api_cache row
        Assert.That(_tmdb.RequestsTo("/3/movie/604"), Is.EqualTo(1));
        var row = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>()
            .SingleAsync(e => e.Key.StartsWith("tmdb:movie/604?"), Ct));
        Assert.That(row.Key, Does.Not.Contain(FakeTmdb.ApiKey), "the key never goes into the cache");
        Assert.That(row.ExpiresAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddDays(6)), "a released movie is cached for a week");
    }

    [Test]
    public async Task A_not_found_answer_is_kept_in_the_table_with_the_answers_gathered_beside_it()
    {
        await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>().ExecuteDeleteAsync(Ct));
        var first = Client();
        // One batch of the write loop: a 404 between two answers.
        await first.GetMovieAsync(603, Ct);
        Assert.That(await first.GetMovieAsync(424_242, Ct), Is.Null);
        await first.GetMovieAsync(604, Ct);
        await _providers[^1].GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().DrainAsync();

        var second = Client(); // a new client: nothing in memory
        Assert.That(await second.GetMovieAsync(424_242, Ct), Is.Null);
        await second.GetMovieAsync(603, Ct);
        await second.GetMovieAsync(604, Ct);
        Assert.That((_tmdb.RequestsTo("/3/movie/424242"), _tmdb.RequestsTo("/3/movie/603"), _tmdb.RequestsTo("/3/movie/604")), Is.EqualTo((1, 1, 1)),
            "the table answered the new client, the 404 too");
        await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>().ExecuteDeleteAsync(Ct)); // the other tests ask again
    }

    [Test]
    public async Task Answers_not_yet_written_when_the_host_stops_are_written_before_it_does()
    {
        await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>().ExecuteDeleteAsync(Ct));
        var tmdb = Client();
        await tmdb.GetMovieAsync(605, Ct);
        var services = _providers[^1];
        foreach (var hosted in services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()) await hosted.StopAsync(Ct);

        var rows = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>().CountAsync(e => e.Key.StartsWith("tmdb:movie/605?"), Ct));
        Assert.That(rows, Is.EqualTo(1), "written by the stop, not lost with the process");
        await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>().ExecuteDeleteAsync(Ct)); // the other tests ask again
    }

    [Test]
    public async Task Kept_answers_are_readied_in_a_few_reads_before_they_are_asked()
    {
        var first = Client();
        var searched = await first.SearchAsync(MediaType.Movie, "The Matrix Reloaded", 2002, Ct); // with its year, then without
        var movie = await first.GetMovieAsync(603, Ct);
        var series = await first.GetSeriesAsync(1399, Ct);
        var found = await first.FindByImdbIdAsync("tt0133093", Ct);
        await _providers[^1].GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().DrainAsync();
        var asked = _tmdb.Requests;

        var second = Client(); // a new client: nothing in memory
        await second.ReadyAsync(
        [
            new MetadataQuestion.Search(MediaType.Movie, "The Matrix Reloaded", 2002), new MetadataQuestion.Movie(603),
            new MetadataQuestion.Series(1399), new MetadataQuestion.Imdb("tt0133093"),
        ], Ct);
        // The table is emptied: what the client answers now, it readied before.
        await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>().ExecuteDeleteAsync(Ct));

        Assert.That((await second.SearchAsync(MediaType.Movie, "The Matrix Reloaded", 2002, Ct)).Select(c => c.TmdbId), Is.EqualTo(searched.Select(c => c.TmdbId)));
        Assert.That(await second.GetMovieAsync(603, Ct), Is.EqualTo(movie));
        Assert.That((await second.GetSeriesAsync(1399, Ct))!.Title, Is.EqualTo(series!.Title));
        Assert.That(await second.FindByImdbIdAsync("tt0133093", Ct), Is.EqualTo(found));
        Assert.That(_tmdb.Requests, Is.EqualTo(asked), "every answer came from what was readied");
    }

    [Test]
    public async Task Readied_answers_are_kept_while_the_memory_level_drops_its_oldest()
    {
        var first = Client();
        var searched = await first.SearchAsync(MediaType.Movie, "The Matrix Reloaded", 2002, Ct);
        var movie = await first.GetMovieAsync(603, Ct);
        await _providers[^1].GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>().DrainAsync();
        var asked = _tmdb.Requests;

        var second = Client();
        await second.ReadyAsync([new MetadataQuestion.Search(MediaType.Movie, "The Matrix Reloaded", 2002), new MetadataQuestion.Movie(603)], Ct);
        // As in a scan: thousands of other answers meanwhile, more than the memory level holds (it drops its oldest).
        var cache = _providers[^1].GetRequiredService<Media.Infrastructure.Tmdb.TmdbResponseCache>();
        for (var i = 0; i < 6_000; i++) await cache.StoreAsync($"test:other-{i}", "{}", TimeSpan.FromHours(1), Ct);
        await cache.DrainAsync();
        await Task.Delay(200, Ct); // the memory level compacts in the background
        await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ApiCacheEntry>().ExecuteDeleteAsync(Ct));

        Assert.That((await second.SearchAsync(MediaType.Movie, "The Matrix Reloaded", 2002, Ct)).Select(c => c.TmdbId), Is.EqualTo(searched.Select(c => c.TmdbId)));
        Assert.That(await second.GetMovieAsync(603, Ct), Is.EqualTo(movie));
        Assert.That(_tmdb.Requests, Is.EqualTo(asked), "every answer came from what was readied, not from TMDB");
    }

    [Test]
    public async Task A_wrong_key_fails_fast_without_retries()
    {
        var error = await Assert.ThrowsAsync<MetadataUnavailableException>(() => Client("wrong-key").GetMovieAsync(603, Ct));
        Assert.That(error!.Message, Does.Contain("401"));
        Assert.That(_tmdb.Requests, Is.EqualTo(1));
    }

    [Test]
    public async Task Without_a_key_it_says_it_is_not_configured()
    {
        var tmdb = Client(apiKey: null);
        Assert.That(tmdb.IsConfigured, Is.False);
        await Assert.ThrowsAsync<MetadataUnavailableException>(() => tmdb.SearchAsync(MediaType.Movie, "x", null, Ct));
        Assert.That(_tmdb.Requests, Is.Zero);
    }

    [Test]
    public async Task Honours_429_with_its_retry_after()
    {
        _tmdb.FailNext(1, 429, retryAfterSeconds: 1);
        var clock = Stopwatch.StartNew();
        var show = await Client().GetSeriesAsync(1399, Ct);
        Assert.That(show?.TmdbId, Is.EqualTo(1399));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)), "waited as Retry-After asked");
        Assert.That(_tmdb.RequestsTo("/3/tv/1399"), Is.EqualTo(2));
    }

    [Test]
    public async Task Retries_server_errors()
    {
        _tmdb.FailNext(2, 500);
        Assert.That((await Client().GetMovieAsync(605, Ct))?.Title, Is.EqualTo("Retried"));
        Assert.That(_tmdb.RequestsTo("/3/movie/605"), Is.EqualTo(3));
    }

    [Test]
    public async Task Errors_that_outlast_the_retries_say_tmdb_is_unavailable()
    {
        _tmdb.FailNext(10, 503);
        await Assert.ThrowsAsync<MetadataUnavailableException>(() => Client(retries: "2").SearchAsync(MediaType.Movie, "heat", null, Ct));
        Assert.That(_tmdb.Requests, Is.EqualTo(3));
    }

    [Test]
    public async Task Slow_answers_time_out_and_are_retried()
    {
        _tmdb.Latency = TimeSpan.FromSeconds(2);
        try
        {
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAsync<MetadataUnavailableException>(() => Client(attemptTimeout: "00:00:00.200", retries: "1").GetMovieAsync(606, Ct));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "gave up on each attempt at its timeout");
        }
        finally
        {
            _tmdb.Latency = TimeSpan.Zero;
        }
        await Task.Delay(100, Ct);
        Assert.That(_tmdb.RequestsTo("/3/movie/606"), Is.EqualTo(2), "one attempt and one retry");
    }
}
