using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Media.Application.Metadata;
using Media.Domain.MediaItems;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Media.Infrastructure.Tmdb;

/// <summary>
/// TMDB v3 over a typed HttpClient. Resilience (rate limit, retries with Retry-After, circuit breaker, timeouts) is
/// the handler pipeline's job (see <see cref="TmdbRegistration"/>); this class caches, maps and classifies answers.
/// </summary>
internal sealed class TmdbClient(
    HttpClient http, IOptions<TmdbOptions> options, TmdbResponseCache cache, Application.Settings.RuntimeSettings settings,
    TimeProvider clock, ILogger<TmdbClient> logger)
    : IMetadataSource
{
    private static readonly TimeSpan SearchTtl = TimeSpan.FromHours(24);
    private static readonly TimeSpan NotFoundTtl = TimeSpan.FromDays(1);

    private readonly TmdbOptions _options = options.Value;

    /// <summary>The configured key, else the one set through /v1/settings.</summary>
    private string? ApiKey => _options.IsConfigured ? _options.ApiKey : settings["tmdb.apiKey"];

    private string Language => settings["tmdb.language"] is { Length: > 0 } set && set != "en-US" ? set : _options.Language;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    public async Task<IReadOnlyList<MetadataCandidate>> SearchAsync(MediaType type, string query, int? year, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query)) return [];
        var results = await SearchOnceAsync(type, query.Trim(), year, ct);
        if (results.Count == 0 && year is not null) results = await SearchOnceAsync(type, query.Trim(), null, ct);
        return results;
    }

    private async Task<IReadOnlyList<MetadataCandidate>> SearchOnceAsync(MediaType type, string query, int? year, CancellationToken ct)
    {
        var (path, parameters) = SearchRequest(type, query, year);
        if (type == MediaType.Movie)
        {
            var page = await GetAsync(path, parameters, TmdbJson.Default.TmdbPageTmdbMovieResult, _ => SearchTtl, ct);
            return page?.Results?.Select(r => new MetadataCandidate(
                r.Id, MediaType.Movie, r.Title ?? r.OriginalTitle ?? "", r.OriginalTitle, YearOf(r.ReleaseDate), r.Popularity, Text(r.Overview), Text(r.PosterPath))).ToList() ?? [];
        }
        var tv = await GetAsync(path, parameters, TmdbJson.Default.TmdbPageTmdbTvResult, _ => SearchTtl, ct);
        return tv?.Results?.Select(r => new MetadataCandidate(
            r.Id, MediaType.Series, r.Name ?? r.OriginalName ?? "", r.OriginalName, YearOf(r.FirstAirDate), r.Popularity, Text(r.Overview), Text(r.PosterPath))).ToList() ?? [];
    }

    private static (string Path, SortedDictionary<string, string> Parameters) SearchRequest(MediaType type, string query, int? year)
    {
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["query"] = query, ["include_adult"] = "false" };
        if (year is not null) parameters[type == MediaType.Movie ? "primary_release_year" : "first_air_date_year"] = year.Value.ToString(CultureInfo.InvariantCulture);
        return (type == MediaType.Movie ? "search/movie" : "search/tv", parameters);
    }

    private static (string Path, SortedDictionary<string, string> Parameters) FindRequest(string imdbId) =>
        ($"find/{Uri.EscapeDataString(imdbId)}", new SortedDictionary<string, string>(StringComparer.Ordinal) { ["external_source"] = "imdb_id" });

    public async Task ReadyAsync(IReadOnlyCollection<MetadataQuestion> questions, CancellationToken ct)
    {
        if (!IsConfigured || questions.Count == 0) return;
        var keys = new List<string>(questions.Count * 2);
        foreach (var question in questions)
        {
            switch (question)
            {
                case MetadataQuestion.Search { Query: var query } search when !string.IsNullOrWhiteSpace(query):
                    keys.Add(Key(SearchRequest(search.Type, query.Trim(), search.Year)));
                    // A search with a year that finds nothing is asked again without it (SearchAsync).
                    if (search.Year is not null) keys.Add(Key(SearchRequest(search.Type, query.Trim(), null)));
                    break;
                case MetadataQuestion.Movie movie: keys.Add(Key(($"movie/{movie.TmdbId}", Params()))); break;
                case MetadataQuestion.Series series: keys.Add(Key(($"tv/{series.TmdbId}", Params()))); break;
                case MetadataQuestion.Imdb imdb: keys.Add(Key(FindRequest(imdb.ImdbId))); break;
            }
        }
        await cache.ReadyAsync(keys, ct);
    }

    public async Task<MetadataCandidate?> FindByImdbIdAsync(string imdbId, CancellationToken ct)
    {
        var (path, parameters) = FindRequest(imdbId);
        var found = await GetAsync(path, parameters, TmdbJson.Default.TmdbFind, _ => SearchTtl, ct);
        if (found?.MovieResults?.FirstOrDefault() is { } movie)
            return new MetadataCandidate(movie.Id, MediaType.Movie, movie.Title ?? movie.OriginalTitle ?? "", movie.OriginalTitle, YearOf(movie.ReleaseDate), movie.Popularity,
                Text(movie.Overview), Text(movie.PosterPath));
        if (found?.TvResults?.FirstOrDefault() is { } tv)
            return new MetadataCandidate(tv.Id, MediaType.Series, tv.Name ?? tv.OriginalName ?? "", tv.OriginalName, YearOf(tv.FirstAirDate), tv.Popularity,
                Text(tv.Overview), Text(tv.PosterPath));
        return null;
    }

    public async Task<MovieMetadata?> GetMovieAsync(int tmdbId, CancellationToken ct)
    {
        var movie = await GetAsync($"movie/{tmdbId}", Params(), TmdbJson.Default.TmdbMovie, m => ReleasedTtl(m.ReleaseDate), ct);
        return movie is null ? null
            : new MovieMetadata(movie.Id, movie.Title ?? movie.OriginalTitle ?? "", movie.OriginalTitle, YearOf(movie.ReleaseDate), movie.ImdbId,
                Text(movie.Overview), Text(movie.PosterPath));
    }

    public async Task<SeriesMetadata?> GetSeriesAsync(int tmdbId, CancellationToken ct)
    {
        var tv = await GetAsync($"tv/{tmdbId}", Params(), TmdbJson.Default.TmdbTv, _ => TimeSpan.FromHours(24), ct);
        return tv is null ? null
            : new SeriesMetadata(tv.Id, tv.Name ?? tv.OriginalName ?? "", tv.OriginalName, YearOf(tv.FirstAirDate),
                tv.Seasons?.Select(s => new SeasonSummary(s.SeasonNumber, s.Name, s.EpisodeCount)).ToList() ?? [], Text(tv.Overview), Text(tv.PosterPath));
    }

    public async Task<SeasonMetadata?> GetSeasonAsync(int seriesTmdbId, int seasonNumber, CancellationToken ct)
    {
        var season = await GetAsync($"tv/{seriesTmdbId}/season/{seasonNumber}", Params(), TmdbJson.Default.TmdbSeason, SeasonTtl, ct);
        return season is null ? null
            : new SeasonMetadata(season.SeasonNumber, season.Name,
                season.Episodes?.Select(e => new EpisodeMetadata(e.EpisodeNumber, e.Name, DateOf(e.AirDate))).ToList() ?? []);
    }

    public async Task<string> ImageBaseUrlAsync(CancellationToken ct)
    {
        if (!IsConfigured) return Posters.DefaultImageBaseUrl;
        try
        {
            // TMDB asks clients to cache its configuration and look again only every few days.
            var configuration = await GetAsync("configuration", Params(), TmdbJson.Default.TmdbConfiguration, _ => TimeSpan.FromDays(3), ct);
            return configuration?.Images?.SecureBaseUrl is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
                ? url : Posters.DefaultImageBaseUrl;
        }
        catch (MetadataUnavailableException)
        {
            return Posters.DefaultImageBaseUrl;
        }
    }

    /// <summary>Cache, then HTTP. Null means TMDB does not know the resource (404, cached for a day).</summary>
    private async Task<T?> GetAsync<T>(
        string path, SortedDictionary<string, string> parameters, JsonTypeInfo<T> type, Func<T, TimeSpan> ttl, CancellationToken ct)
        where T : class
    {
        if (!IsConfigured) throw new MetadataUnavailableException("TMDB is not configured (set Tmdb__ApiKey).");
        var query = Query(parameters);
        var key = $"tmdb:{path}?{query}";

        var (hit, cached) = await cache.GetAsync(key, ct);
        if (hit) return cached is null ? null : JsonSerializer.Deserialize(cached, type);

        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync($"{path}?{query}&api_key={Uri.EscapeDataString(ApiKey!)}", ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                      or RateLimiterRejectedException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "TMDB did not answer {Path}", path);
            throw new MetadataUnavailableException($"TMDB did not answer ({e.GetType().Name}).", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                await cache.StoreAsync(key, null, NotFoundTtl, ct);
                return null;
            }
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new MetadataUnavailableException("TMDB rejected the API key (401): check Tmdb__ApiKey.");
            if (!response.IsSuccessStatusCode)
                throw new MetadataUnavailableException($"TMDB answered {(int)response.StatusCode} for {path} after retries.");
            var value = JsonSerializer.Deserialize(body, type)
                        ?? throw new MetadataUnavailableException($"TMDB sent an empty answer for {path}.");
            await cache.StoreAsync(key, body, ttl(value), ct);
            return value;
        }
    }

    private static SortedDictionary<string, string> Params() => new(StringComparer.Ordinal);

    /// <summary>The request's query string (the language added), which with its path is its cache key.</summary>
    private string Query(SortedDictionary<string, string> parameters)
    {
        parameters["language"] = Language;
        var query = new System.Text.StringBuilder(96);
        foreach (var (name, value) in parameters) // in ordinal order: one question, one key
            query.Append(query.Length == 0 ? "" : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value));
        return query.ToString();
    }

    private string Key((string Path, SortedDictionary<string, string> Parameters) request) => $"tmdb:{request.Path}?{Query(request.Parameters)}";

    private TimeSpan ReleasedTtl(string? releaseDate) =>
        DateOf(releaseDate) is { } date && date <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)
            ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);

    private TimeSpan SeasonTtl(TmdbSeason season)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var complete = season.Episodes is { Count: > 0 } episodes && episodes.All(e => DateOf(e.AirDate) is { } d && d <= today);
        return complete ? TimeSpan.FromDays(1) : TimeSpan.FromHours(6);
    }

    internal static DateOnly? DateOf(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static int? YearOf(string? value) => DateOf(value)?.Year;

    /// <summary>TMDB sends "" for an overview it does not have.</summary>
    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
