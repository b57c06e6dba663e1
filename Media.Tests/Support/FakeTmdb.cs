using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Media.Application.Parsing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Media.Tests.Support;

public sealed record FakeMovie(
    int Id, string Title, string ReleaseDate, string? OriginalTitle = null, string? ImdbId = null, double Popularity = 10, string? Overview = null,
    string? PosterPath = null);

public sealed record FakeEpisode(int Number, string Name, string? AirDate = "2020-01-01");

public sealed record FakeSeries(
    int Id, string Name, string FirstAirDate, IReadOnlyDictionary<int, FakeEpisode[]> Seasons, string? OriginalName = null,
    string? ImdbId = null, double Popularity = 10, string? Overview = null, string? PosterPath = null);

/// <summary>
/// A TMDB v3 stand-in on 127.0.0.1 serving TMDB's JSON shapes (../shared/tmdb/API-NOTES.md), with hooks to make it
/// fail (401, 429 with Retry-After, 500s, slow answers) and a count of the requests it served. Its configuration names
/// itself as the image server: /t/p/{size}/{file}.png answers a small PNG, without a key, as TMDB's image host does.
/// </summary>
public sealed class FakeTmdb : IAsyncDisposable
{
    public const string ApiKey = "fake-tmdb-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, int? RetryAfter)> _failures = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly List<FakeMovie> _movies = [];
    private readonly List<FakeSeries> _series = [];
    private readonly Dictionary<string, HashSet<FakeMovie>> _movieWords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<FakeSeries>> _seriesWords = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), List<FakeMovie>> _moviePairs = [];
    private readonly Dictionary<(string, string), List<FakeSeries>> _seriesPairs = [];
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, byte[]> _rendered = [];
    private readonly Dictionary<int, FakeMovie> _movieIds = [];
    private readonly Dictionary<int, FakeSeries> _seriesIds = [];
    private long _windowSecond;
    private int _windowCount;
    private readonly Lock _lock = new();

    private FakeTmdb(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Delay added to every answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>While set and not complete, every answer waits for it (a test that must see a scan in the middle).</summary>
    public Task? Hold { get; set; }

    public int Requests => _counts.Values.Sum();

    public int RequestsTo(string prefix) => _counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value);

    public void ResetCounts()
    {
        _counts.Clear();
        _arrivals.Clear();
        Interlocked.Exchange(ref _maxInFlight, 0);
    }

    private int _inFlight;
    private int _maxInFlight;

    /// <summary>The most requests answered at the same time since the last <see cref="ResetCounts"/>.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    private void Arrived()
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); inFlight > max; max = Volatile.Read(ref _maxInFlight))
            if (Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) == max) break;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _arrivals = new();

    /// <summary>When each request since the last <see cref="ResetCounts"/> arrived (Stopwatch timestamps).</summary>
    public IReadOnlyList<long> Arrivals => [.. _arrivals];

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/>.</summary>
    public void FailNext(int count, int status, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < count; i++) _failures.Enqueue((status, retryAfterSeconds));
    }

    public void ClearFailures() => _failures.Clear();

    /// <summary>When set, requests beyond this many per second answer 429 with Retry-After: 1, like TMDB's limit.</summary>
    public int? RateLimitPerSecond { get; set; }

    public FakeTmdb Add(FakeMovie movie)
    {
        lock (_lock)
        {
            _movies.Add(movie);
            _movieIds[movie.Id] = movie;
            Index(movie, Words(movie.Title).Concat(Words(movie.OriginalTitle)).Distinct().ToList(), _movieWords, _moviePairs);
        }
        return this;
    }

    public FakeTmdb Add(FakeSeries series)
    {
        lock (_lock)
        {
            _series.Add(series);
            _seriesIds[series.Id] = series;
            Index(series, Words(series.Name).Concat(Words(series.OriginalName)).Distinct().ToList(), _seriesWords, _seriesPairs);
        }
        return this;
    }

    private static IEnumerable<string> Words(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split([' ', '.', '-', ':', ','], StringSplitOptions.RemoveEmptyEntries).Select(NameParser.Normalize).Where(w => w.Length > 0);

    /// <summary>A title under each of its words and each pair of them (a query of two words or more starts from the pair's few titles).</summary>
    private static void Index<T>(T title, List<string> words, Dictionary<string, HashSet<T>> byWord, Dictionary<(string, string), List<T>> byPair)
        where T : class
    {
        foreach (var word in words)
            (byWord.TryGetValue(word, out var set) ? set : byWord[word] = new(ReferenceEqualityComparer.Instance)).Add(title);
        foreach (var pair in Pairs(words))
            (byPair.TryGetValue(pair, out var list) ? list : byPair[pair] = []).Add(title);
    }

    private static IEnumerable<(string, string)> Pairs(List<string> words)
    {
        for (var i = 0; i < words.Count; i++)
            for (var j = i + 1; j < words.Count; j++)
                yield return string.CompareOrdinal(words[i], words[j]) < 0 ? (words[i], words[j]) : (words[j], words[i]);
    }

    /// <summary>
    /// Like TMDB's own matching, loosely: every word of the query is a word of the title. The word sets compare titles
    /// by reference (a record's own hash reads every field), and a query of two words or more looks only at the titles
    /// holding its rarest pair: in a 100,000-file benchmark the search over one word's 1,333 titles was most of what this
    /// stand-in for a server elsewhere cost the machine the API shares with it.
    /// </summary>
    private List<T> Search<T>(string? query, Dictionary<string, HashSet<T>> index, Dictionary<(string, string), List<T>> pairs)
    {
        var words = Words(query).Distinct().ToList();
        if (words.Count == 0) return [];
        lock (_lock)
        {
            var sets = words.Select(w => index.TryGetValue(w, out var l) ? l : []).ToList();
            IReadOnlyCollection<T> candidates = sets.MinBy(l => l.Count)!;
            foreach (var pair in Pairs(words))
            {
                IReadOnlyCollection<T> list = pairs.TryGetValue(pair, out var l) ? l : [];
                if (list.Count < candidates.Count) candidates = list;
            }
            return candidates.Where(c => sets.TrueForAll(l => l.Contains(c))).ToList();
        }
    }

    public static async Task<FakeTmdb> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTmdb(app);
        fake.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.TrimEnd('/') + "/3/";
        return fake;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/t/p/{size}/{file}", (string size, string file) =>
            file.EndsWith(".png", StringComparison.Ordinal) && size.StartsWith('w') ? Results.Bytes(Png, "image/png") : Results.NotFound());
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/t"), api => api.Use(async (context, next) =>
        {
            _counts.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            _arrivals.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
            Arrived();
            context.Response.OnCompleted(() =>
            {
                Interlocked.Decrement(ref _inFlight);
                return Task.CompletedTask;
            });
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, context.RequestAborted);
            if (Hold is { } hold) await hold.WaitAsync(context.RequestAborted);
            if (RateLimitPerSecond is { } limit && OverLimit(limit))
            {
                context.Response.Headers.RetryAfter = "1";
                await Error(context, 429, 25, "Your request count is over the allowed limit.");
                return;
            }
            if (context.Request.Query["api_key"] != ApiKey)
            {
                await Error(context, 401, 7, "Invalid API key: You must be granted a valid key.");
                return;
            }
            if (_failures.TryDequeue(out var failure))
            {
                if (failure.RetryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var (code, message) = failure.Status == 429 ? (25, "Your request count is over the allowed limit.") : (11, "Internal error: Something went wrong, contact TMDb.");
                await Error(context, failure.Status, code, message);
                return;
            }
            await next(context);
        }));

        app.MapGet("/3/configuration", (HttpContext context) => Results.Json(new JsonObject
        {
            ["images"] = new JsonObject
            {
                ["base_url"] = $"http://{context.Request.Host}/t/p/", ["secure_base_url"] = $"http://{context.Request.Host}/t/p/",
                ["backdrop_sizes"] = new JsonArray("w300", "w780", "w1280", "original"),
                ["poster_sizes"] = new JsonArray("w92", "w154", "w185", "w342", "w500", "w780", "original"),
            },
            ["change_keys"] = new JsonArray("overview", "poster_path"),
        }));

        app.MapGet("/3/search/movie", (string? query, int? primary_release_year, int? year) =>
        {
            var hits = Search(query, _movieWords, _moviePairs)
                .Where(m => primary_release_year is null || m.ReleaseDate.StartsWith($"{primary_release_year}", StringComparison.Ordinal))
                .Where(m => year is null || m.ReleaseDate.StartsWith($"{year}", StringComparison.Ordinal))
                .OrderByDescending(m => m.Popularity)
                .Select(m => Rendered(m, MovieResult)).ToList();
            return Page(hits);
        });
        app.MapGet("/3/search/tv", (string? query, int? first_air_date_year) =>
        {
            var hits = Search(query, _seriesWords, _seriesPairs)
                .Where(s => first_air_date_year is null || s.FirstAirDate.StartsWith($"{first_air_date_year}", StringComparison.Ordinal))
                .OrderByDescending(s => s.Popularity)
                .Select(s => Rendered(s, TvResult)).ToList();
            return Page(hits);
        });
        app.MapGet("/3/movie/{id:int}", (int id, HttpContext context) =>
            FindMovie(id) is { } m ? Results.Json(MovieDetails(m)) : NotFound(context));
        app.MapGet("/3/tv/{id:int}", (int id, HttpContext context) =>
            FindSeries(id) is { } s ? Results.Json(TvDetails(s)) : NotFound(context));
        app.MapGet("/3/tv/{id:int}/season/{number:int}", (int id, int number, HttpContext context) =>
            FindSeries(id) is { } s && s.Seasons.TryGetValue(number, out var episodes) ? Results.Json(SeasonDetails(s, number, episodes)) : NotFound(context));
        app.MapGet("/3/find/{externalId}", (string externalId, string? external_source, HttpContext context) =>
        {
            if (external_source != "imdb_id") return Results.Json(ErrorBody(47, "The input is not valid."), statusCode: 400);
            List<FakeMovie> movies;
            List<FakeSeries> series;
            lock (_lock) (movies, series) = ([.. _movies], [.. _series]);
            return Results.Json(new JsonObject
            {
                ["movie_results"] = new JsonArray([.. movies.Where(m => m.ImdbId == externalId).Select(m => (JsonNode)MovieResult(m))]),
                ["person_results"] = new JsonArray(),
                ["tv_results"] = new JsonArray([.. series.Where(s => s.ImdbId == externalId).Select(s => (JsonNode)TvResult(s))]),
                ["tv_episode_results"] = new JsonArray(),
                ["tv_season_results"] = new JsonArray(),
            });
        });
    }

    private FakeMovie? FindMovie(int id)
    {
        lock (_lock) return _movieIds.GetValueOrDefault(id);
    }

    private FakeSeries? FindSeries(int id)
    {
        lock (_lock) return _seriesIds.GetValueOrDefault(id);
    }

    private bool OverLimit(int limit)
    {
        var second = Environment.TickCount64 / 1000;
        lock (_lock)
        {
            if (second != _windowSecond) (_windowSecond, _windowCount) = (second, 0);
            return ++_windowCount > limit;
        }
    }

    /// <summary>A title's search result as JSON, made once (a search answer is written from these, not built as a tree each time).</summary>
    private byte[] Rendered<T>(T title, Func<T, JsonObject> result) where T : class =>
        _rendered.GetValue(title, t => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(result((T)t)));

    private static IResult Page(List<byte[]> results)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("page", 1);
            json.WriteStartArray("results");
            foreach (var result in results.Take(20)) json.WriteRawValue(result, skipInputValidation: true);
            json.WriteEndArray();
            json.WriteNumber("total_pages", Math.Max(1, (results.Count + 19) / 20));
            json.WriteNumber("total_results", results.Count);
            json.WriteEndObject();
        }
        return Results.Bytes(buffer.WrittenMemory, "application/json; charset=utf-8");
    }

    private static JsonObject MovieResult(FakeMovie m) => new()
    {
        ["adult"] = false, ["backdrop_path"] = null, ["genre_ids"] = new JsonArray(), ["id"] = m.Id,
        ["original_language"] = "en", ["original_title"] = m.OriginalTitle ?? m.Title, ["overview"] = m.Overview ?? "",
        ["popularity"] = m.Popularity, ["poster_path"] = m.PosterPath, ["release_date"] = m.ReleaseDate, ["title"] = m.Title,
        ["video"] = false, ["vote_average"] = 7.5, ["vote_count"] = 100,
    };

    private static JsonObject TvResult(FakeSeries s) => new()
    {
        ["adult"] = false, ["backdrop_path"] = null, ["genre_ids"] = new JsonArray(), ["id"] = s.Id,
        ["origin_country"] = new JsonArray("US"), ["original_language"] = "en", ["original_name"] = s.OriginalName ?? s.Name,
        ["overview"] = s.Overview ?? "", ["popularity"] = s.Popularity, ["poster_path"] = s.PosterPath, ["first_air_date"] = s.FirstAirDate,
        ["name"] = s.Name, ["vote_average"] = 8.1, ["vote_count"] = 100,
    };

    private static JsonObject MovieDetails(FakeMovie m)
    {
        var o = MovieResult(m);
        o.Remove("genre_ids");
        o["genres"] = new JsonArray();
        o["imdb_id"] = m.ImdbId;
        o["runtime"] = 120;
        o["status"] = "Released";
        o["belongs_to_collection"] = null;
        return o;
    }

    private static JsonObject TvDetails(FakeSeries s)
    {
        var o = TvResult(s);
        o.Remove("genre_ids");
        o["genres"] = new JsonArray();
        o["status"] = "Ended";
        o["number_of_seasons"] = s.Seasons.Keys.Count(k => k > 0);
        o["number_of_episodes"] = s.Seasons.Where(k => k.Key > 0).Sum(k => k.Value.Length);
        o["seasons"] = new JsonArray([.. s.Seasons.OrderBy(k => k.Key).Select(k => (JsonNode)new JsonObject
        {
            ["air_date"] = k.Value.FirstOrDefault()?.AirDate, ["episode_count"] = k.Value.Length, ["id"] = s.Id * 100 + k.Key,
            ["name"] = k.Key == 0 ? "Specials" : $"Season {k.Key}", ["overview"] = "", ["poster_path"] = null,
            ["season_number"] = k.Key, ["vote_average"] = 0,
        })]);
        return o;
    }

    private static JsonObject SeasonDetails(FakeSeries s, int number, FakeEpisode[] episodes) => new()
    {
        ["_id"] = "5256c89f19c2956ff6046f47", ["air_date"] = episodes.FirstOrDefault()?.AirDate,
        ["name"] = number == 0 ? "Specials" : $"Season {number}", ["overview"] = "", ["id"] = s.Id * 100 + number,
        ["poster_path"] = null, ["season_number"] = number, ["vote_average"] = 0,
        ["episodes"] = new JsonArray([.. episodes.Select(e => (JsonNode)new JsonObject
        {
            ["air_date"] = e.AirDate, ["episode_number"] = e.Number, ["episode_type"] = "standard",
            ["id"] = s.Id * 10_000 + number * 100 + e.Number, ["name"] = e.Name, ["overview"] = "", ["production_code"] = "",
            ["runtime"] = 45, ["season_number"] = number, ["show_id"] = s.Id, ["still_path"] = null, ["vote_average"] = 0,
            ["vote_count"] = 0, ["crew"] = new JsonArray(), ["guest_stars"] = new JsonArray(),
        })]),
    };

    // A 2x3 image, as a poster is taller than wide.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAIAAAA2iEnWAAAAEElEQVR4nGM4YaMBRAwoFABNqQcJSbZ72gAAAABJRU5ErkJggg==");

    private static JsonObject ErrorBody(int code, string message) => new()
    {
        ["status_code"] = code, ["status_message"] = message, ["success"] = false,
    };

    private static IResult NotFound(HttpContext _) =>
        Results.Json(ErrorBody(34, "The resource you requested could not be found."), statusCode: 404);

    private static Task Error(HttpContext context, int status, int code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(ErrorBody(code, message));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
