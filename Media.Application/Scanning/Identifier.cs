using Media.Application.Metadata;
using Media.Application.Parsing;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Libraries;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;
using Microsoft.Extensions.Logging;

namespace Media.Application.Scanning;

/// <summary>What a file turned out to be: a title and its episodes, or suggestions and why not.</summary>
public sealed record Identification(MediaItem? Item, IReadOnlyList<Episode> Episodes, IReadOnlyList<MatchSuggestion> Suggestions, string? Reason)
{
    public bool IsMatch => Item is not null;

    public static Identification Unmatched(string reason, IReadOnlyList<MatchSuggestion>? suggestions = null) => new(null, [], suggestions ?? [], reason);
}

/// <summary>
/// Identifies the files of one scan. Order: an ID tag (an IMDb tag through TMDB's /find), then a media item the
/// library already knows (normalised title and year), then a TMDB search with the parsed year, accepting only a
/// confident hit. A series is identified once per series folder and its episodes come from TMDB's season details,
/// so a show of 100 episodes costs a handful of TMDB calls. When TMDB is not configured, or stops answering,
/// tags and known items still work.
/// </summary>
public sealed class Identifier(IScanStore store, IMetadataSource tmdb, Library library, TimeProvider clock, ILogger logger)
{
    private readonly MediaType _type = library.Kind == LibraryKind.Movies ? MediaType.Movie : MediaType.Series;
    private readonly Dictionary<string, Task<Identification>> _titles = new(StringComparer.Ordinal);
    private readonly Dictionary<(MediaItemId, int), bool> _seasons = [];
    private readonly Dictionary<int, SeriesMetadata?> _seriesDetails = [];
    private readonly Dictionary<MediaItemId, MediaItem> _loaded = [];
    private Task<KnownIndex>? _known;
    private string? _currentSeries;
    private const int MaxCachedTitles = 4096;
    private bool _tmdbDown;

    public bool TmdbAvailable => tmdb.IsConfigured && !_tmdbDown;

    /// <summary>
    /// Plans what identifying these files will ask TMDB (titles already known, and questions already answered or
    /// being asked in this scan, are not asked) and returns the task that asks it, several questions at a time, so
    /// that the answers are cached when <see cref="IdentifyAsync"/> goes through the files one by one. The plan reads
    /// this identifier's state on the caller's flow; the returned task touches only the metadata source, so the caller
    /// may decide other files meanwhile.
    /// </summary>
    public async Task<Task> PrefetchAsync(IEnumerable<(string Path, ParsedName Parsed)> files, CancellationToken ct)
    {
        if (!TmdbAvailable) return Task.CompletedTask;
        // Questions of the batch before, maybe still being asked: not asked twice (a show's folder often spans batches).
        foreach (var done in _asking.Where(a => a.Value.IsCompleted).Select(a => a.Key).ToList()) _asking.Remove(done);
        var questions = new Dictionary<string, Func<Task>>(StringComparer.Ordinal);
        var asked = new List<MetadataQuestion>();
        var batch = files.Select(f => (f.Path, f.Parsed, Subject: Subject(f.Path, f.Parsed))).ToList();
        // A series' seasons on disk in this batch are asked as soon as the series is known: its episodes' rows come
        // from them, and asking them one at a time while deciding file by file would leave TMDB's budget idle.
        var seasons = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        var answered = new List<TaskCompletionSource<int?>>();
        if (_type == MediaType.Series)
            foreach (var (_, parsed, (key, _, _)) in batch)
                if (parsed.Season is { } number && (parsed.Episodes.Count > 0 || parsed.AbsoluteEpisodes.Count > 0))
                    (seasons.TryGetValue(key, out var numbers) ? numbers : seasons[key] = []).Add(number);
        Func<Task> Seasons(string key, int tmdbId, MediaItemId? item)
        {
            var numbers = seasons.TryGetValue(key, out var set) ? set.Where(n => item is not { } id || !_seasons.ContainsKey((id, n))).ToList() : [];
            return () => Task.WhenAll(numbers.Select(async n => _seasonAnswers[(tmdbId, n)] = await tmdb.GetSeasonAsync(tmdbId, n, ct)));
        }
        Func<Task> Then<T>(Func<Task<T>> ask, Func<T, int?> seriesId, string key)
        {
            // The series' TMDB id, once known, for a later batch of the same folder.
            var found = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _asking[key] = found.Task;
            answered.Add(found);
            return async () =>
            {
                int? id = null;
                try
                {
                    id = seriesId(await ask());
                    if (_type == MediaType.Series && id is { } known) await Seasons(key, known, null)();
                }
                finally
                {
                    found.TrySetResult(id);
                }
            };
        }

        foreach (var (_, parsed, (key, title, year)) in batch)
        {
            if (questions.ContainsKey(key)) continue;
            if (_asking.TryGetValue(key, out var asking))
            {
                // Asked with the batch before: this batch's seasons once that answer is in.
                if (_type == MediaType.Series) questions[key] = async () =>
                {
                    if (await asking.WaitAsync(ct) is { } id) await Seasons(key, id, null)();
                };
                continue;
            }
            if (_titles.TryGetValue(key, out var told))
            {
                // Identified earlier in this scan: only its seasons not asked yet.
                if (_type == MediaType.Series && told.IsCompletedSuccessfully && told.Result.Item is { } series) questions[key] = Seasons(key, series.TmdbId, series.Id);
                continue;
            }
            if (parsed.TmdbId is { } id)
            {
                if ((await Known(ct)).ByTmdb(id) is { } knownById)
                {
                    if (_type == MediaType.Series) questions[key] = Seasons(key, knownById.TmdbId, knownById.Id);
                    continue;
                }
                questions[key] = _type == MediaType.Movie ? () => tmdb.GetMovieAsync(id, ct) : Then(() => tmdb.GetSeriesAsync(id, ct), s => s?.TmdbId, key);
                asked.Add(_type == MediaType.Movie ? new MetadataQuestion.Movie(id) : new MetadataQuestion.Series(id));
            }
            else if (parsed.ImdbId is { } imdb)
            {
                questions[key] = Then(() => tmdb.FindByImdbIdAsync(imdb, ct), hit => hit?.Type == MediaType.Series ? hit.TmdbId : null, key);
                asked.Add(new MetadataQuestion.Imdb(imdb));
            }
            else if (!string.IsNullOrWhiteSpace(title))
            {
                if (await KnownAsync(title, year, ct) is { } known)
                {
                    if (_type == MediaType.Series) questions[key] = Seasons(key, known.TmdbId, known.Id);
                    continue;
                }
                questions[key] = Then(async () => _searches[key] = await tmdb.SearchAsync(_type, title, year, ct), hits => MatchScoring.Confident(hits, title, year)?.TmdbId, key);
                asked.Add(new MetadataQuestion.Search(_type, title, year));
            }
        }
        if (questions.Count == 0) return Task.CompletedTask;
        return AskAsync([.. questions.Values], asked, answered, ct);
    }

    /// <summary>
    /// The questions, several at a time (the answers land in the metadata source's cache). Never fails: identifying
    /// the files meets the same outage, or the same cancellation, and deals with it.
    /// </summary>
    private async Task AskAsync(List<Func<Task>> questions, List<MetadataQuestion> asked, List<TaskCompletionSource<int?>> answered, CancellationToken ct)
    {
        try
        {
            // Answers kept from earlier scans (a re-scan asks again about every file still in the queue) are read in a few queries.
            if (asked.Count > 0) await tmdb.ReadyAsync(asked, ct);
            await Parallel.ForEachAsync(questions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (ask, _) =>
            {
                try
                {
                    await ask();
                }
                catch (MetadataUnavailableException)
                {
                    // IdentifyAsync will meet the same outage and say so.
                }
            });
        }
        catch (Exception e) when (e is OperationCanceledException or MetadataUnavailableException)
        {
            // The scan is stopping, or TMDB is down: the files are decided (or not) without these answers.
        }
        finally
        {
            // A later batch waiting on a question that never ran goes on without its answer.
            foreach (var found in answered) found.TrySetResult(null);
        }
    }

    /// <summary>
    /// Answers the prefetch received, handed to the decision of their files as they are (taken once): asked again, the
    /// metadata source would answer from its cache, but parse the answer's text again, on the scan's path.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<MetadataCandidate>> _searches = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Series, int Season), SeasonMetadata?> _seasonAnswers = [];

    /// <summary>Folders (and titles) asked about by an earlier batch, with the series' TMDB id once its answer is in.</summary>
    private readonly Dictionary<string, Task<int?>> _asking = new(StringComparer.Ordinal);

    /// <summary>What a file is identified by: its own name for a movie, its series folder for an episode.</summary>
    private (string Key, string? Title, int? Year) Subject(string path, ParsedName parsed)
    {
        var (title, year, folder) = SearchTerms(path, parsed, _type);
        var key = folder is not null ? $"folder|{folder}" : $"{parsed.TmdbId}|{parsed.ImdbId}|{NameParser.Normalize(title)}|{year}";
        return (key, title, year);
    }

    /// <summary>
    /// What a file is looked up by: a movie by its own name; an episode by its series folder ("Show (2010)/Season 1/...",
    /// the folder returned too), a loose episode file by itself.
    /// </summary>
    public static (string? Title, int? Year, string? SeriesFolder) SearchTerms(string path, ParsedName parsed, MediaType type)
    {
        if (type == MediaType.Movie) return (parsed.Title, parsed.Year, null);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return (parsed.Title, parsed.Year, null);
        var folder = path[..slash];
        var show = NameParser.Parse(folder);
        return show.Title is not null ? (show.Title, show.Year, folder) : (parsed.Title, parsed.Year, folder);
    }

    public async Task<Identification> IdentifyAsync(string path, ParsedName parsed, CancellationToken ct)
    {
        var (key, title, year) = Subject(path, parsed);
        if (_titles.Count > MaxCachedTitles) ForgetTitles();
        if (_type == MediaType.Series && key != _currentSeries)
        {
            // The walk goes folder by folder: a show whose folder is done is let go, so memory stays flat.
            if (_currentSeries is not null && _titles.TryGetValue(_currentSeries, out var done) && done.IsCompletedSuccessfully && done.Result.Item is { } finished)
            {
                _loaded.Remove(finished.Id);
                _titles.Remove(_currentSeries);
                foreach (var season in _seasons.Keys.Where(k => k.Item1 == finished.Id).ToList()) _seasons.Remove(season);
                foreach (var unused in _seasonAnswers.Keys.Where(k => k.Series == finished.TmdbId)) _seasonAnswers.TryRemove(unused, out _);
            }
            _currentSeries = key;
        }
        var found = await Title(key, () => IdentifyTitleAsync(key, title, year, parsed.TmdbId, parsed.ImdbId, ct));
        _searches.TryRemove(key, out _); // decided otherwise (a known title, a tag): not needed any more
        if (_type == MediaType.Movie || !found.IsMatch) return found;
        // The series as it stands now: an earlier file of the scan may have added seasons to it.
        return await EpisodesAsync(_loaded.GetValueOrDefault(found.Item!.Id) ?? found.Item!, parsed, ct);
    }

    /// <summary>Drops remembered answers (the known-title index still answers without TMDB); keeps the current show.</summary>
    private void ForgetTitles()
    {
        foreach (var key in _titles.Keys.Where(k => k != _currentSeries).ToList()) _titles.Remove(key);
        if (_type == MediaType.Movie) _loaded.Clear();
    }

    private Task<Identification> Title(string key, Func<Task<Identification>> identify)
    {
        if (!_titles.TryGetValue(key, out var task))
        {
            task = identify();
            _titles[key] = task;
        }
        return task;
    }

    private async Task<Identification> IdentifyTitleAsync(string key, string? title, int? year, int? tmdbId, string? imdbId, CancellationToken ct)
    {
        if (tmdbId is { } id) return await ByTmdbIdAsync(id, title, year, ct);

        if (imdbId is not null && TmdbAvailable)
        {
            var found = await Tmdb(t => t.FindByImdbIdAsync(imdbId, ct));
            if (found.Value is { } hit)
            {
                if (hit.Type != _type) return Identification.Unmatched($"IMDb id {imdbId} is a {Kind(hit.Type)} on TMDB, not a {Kind(_type)}.");
                return await ByTmdbIdAsync(hit.TmdbId, hit.Title, hit.Year, ct);
            }
        }

        if (string.IsNullOrWhiteSpace(title)) return Identification.Unmatched("No title could be read from the name.");

        if (await KnownAsync(title, year, ct) is { } known) return Matched(await LoadAsync(known.Id, ct));

        if (!TmdbAvailable)
            return Identification.Unmatched(tmdb.IsConfigured ? "TMDB is unavailable; the next scan tries again." : "TMDB is not configured and no known title matches.");

        var search = _searches.TryRemove(key, out var answered)
            ? (Value: answered, Failed: false)
            : await Tmdb<IReadOnlyList<MetadataCandidate>>(async t => await t.SearchAsync(_type, title, year, ct));
        if (search.Failed) return Identification.Unmatched("TMDB is unavailable; the next scan tries again.");
        var candidates = search.Value ?? [];
        if (MatchScoring.Confident(candidates, title, year) is { } confident)
            return await ByCandidateAsync(confident, ct);
        return Identification.Unmatched(candidates.Count == 0 ? "TMDB has no title like this." : "No confident match on TMDB.",
            MatchScoring.Suggestions(candidates, title, year));
    }

    private async Task<Identification> ByTmdbIdAsync(int tmdbId, string? title, int? year, CancellationToken ct)
    {
        var known = (await Known(ct)).ByTmdb(tmdbId);
        if (known is not null) return Matched(await LoadAsync(known.Id, ct));

        if (TmdbAvailable)
        {
            if (_type == MediaType.Movie)
            {
                var movie = await Tmdb(t => t.GetMovieAsync(tmdbId, ct));
                if (!movie.Failed)
                    return movie.Value is { } m
                        ? Matched(await AddAsync(MediaItem.Movie(m.TmdbId, m.Title, m.OriginalTitle, m.Year, clock.GetUtcNow()).Described(m.Overview, m.PosterPath), ct))
                        : Identification.Unmatched($"TMDB has no movie with id {tmdbId}.");
            }
            else
            {
                var series = await SeriesDetailsAsync(tmdbId, ct);
                if (!series.Failed)
                    return series.Value is { } s
                        ? Matched(await AddAsync(MediaItem.Series(s.TmdbId, s.Title, s.OriginalTitle, s.Year, clock.GetUtcNow()).Described(s.Overview, s.PosterPath), ct))
                        : Identification.Unmatched($"TMDB has no series with id {tmdbId}.");
            }
        }

        // No TMDB: the tag is trusted, with the title and year the name gives.
        if (string.IsNullOrWhiteSpace(title)) return Identification.Unmatched($"TMDB id {tmdbId} is tagged but the name gives no title, and TMDB is not available.");
        return Matched(await AddAsync(MediaItem.Create(_type, tmdbId, title, null, year is >= 1800 and <= 2200 ? year : null, clock.GetUtcNow()), ct));
    }

    private async Task<Identification> ByCandidateAsync(MetadataCandidate hit, CancellationToken ct)
    {
        var known = (await Known(ct)).ByTmdb(hit.TmdbId);
        if (known is not null) return Matched(await LoadAsync(known.Id, ct));
        return Matched(await AddAsync(MediaItem.Create(_type, hit.TmdbId, hit.Title, hit.OriginalTitle, hit.Year, clock.GetUtcNow()).Described(hit.Overview, hit.PosterPath), ct));
    }

    /// <summary>
    /// A file whose stored identity (xattr) names a title of this library's kind that the database knows, with its
    /// episodes: identified from it, without a TMDB request. Null when the title or one of the episodes is not known.
    /// </summary>
    public async Task<Identification?> FromTagAsync(IdentityTag tag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Type != _type || (await Known(ct)).ByTmdb(tag.TmdbId) is not { } known) return null;
        var item = await LoadAsync(known.Id, ct);
        if (_type == MediaType.Movie) return Matched(item);
        if (tag.Season is not { } season || tag.Episodes.Count == 0) return null;
        var episodes = tag.Episodes.Select(n => item.FindEpisode(season, n)).ToList();
        return episodes.Contains(null) ? null : new Identification(item, episodes.OfType<Episode>().ToList(), [], null);
    }

    private async Task<KnownTitle?> KnownAsync(string title, int? year, CancellationToken ct)
    {
        return MatchScoring.ByYear((await Known(ct)).ByTitle(NameParser.Normalize(title)), k => k.Year, year);
    }

    private Task<KnownIndex> Known(CancellationToken ct) => _known ??= LoadKnownAsync(ct);

    private async Task<KnownIndex> LoadKnownAsync(CancellationToken ct)
    {
        var index = new KnownIndex();
        await foreach (var item in store.ItemsAsync(_type, ct).WithCancellation(ct)) index.Add(item);
        return index;
    }

    /// <summary>
    /// Starts reading the library's titles now, beside whatever the caller does next (a re-scan whose queue waits to be
    /// identified again: the walk does not stop for 40,000 titles when it meets the first queued file).
    /// </summary>
    public void Preload(CancellationToken ct) => _ = Known(ct);

    /// <summary>
    /// The library's titles by TMDB id and by normalised title (and original title): lookups, never scans. Only ids and
    /// years are held, the titles only as keys: at 40,000 titles a third of the memory whole items took.
    /// </summary>
    private sealed class KnownIndex
    {
        private readonly Dictionary<int, KnownTitle> _byTmdb = [];
        private readonly Dictionary<string, KnownTitle> _byTitle = new(StringComparer.Ordinal);
        /// <summary>Titles several items share (remakes, a series and its reboot): all of them.</summary>
        private readonly Dictionary<string, List<KnownTitle>> _shared = new(StringComparer.Ordinal);

        public KnownTitle? ByTmdb(int tmdbId) => _byTmdb.GetValueOrDefault(tmdbId);

        public IReadOnlyList<KnownTitle> ByTitle(string normalized) =>
            _shared.TryGetValue(normalized, out var all) ? all : _byTitle.TryGetValue(normalized, out var one) ? [one] : [];

        public void Add(KnownItem item)
        {
            var known = new KnownTitle(item.Id, item.TmdbId, item.Year);
            _byTmdb[item.TmdbId] = known;
            var title = NameParser.Normalize(item.Title);
            Add(title, known);
            var original = NameParser.Normalize(item.OriginalTitle);
            if (original != title) Add(original, known);
        }

        private void Add(string title, KnownTitle known)
        {
            if (title.Length == 0) return;
            if (_shared.TryGetValue(title, out var all)) all.Add(known);
            else if (!_byTitle.TryAdd(title, known)) _shared[title] = [_byTitle[title], known];
        }
    }

    /// <summary>A title of the library as identification needs it.</summary>
    private sealed record KnownTitle(MediaItemId Id, int TmdbId, int? Year);

    private async Task<MediaItem> LoadAsync(MediaItemId id, CancellationToken ct)
    {
        if (_loaded.TryGetValue(id, out var item)) return item;
        item = await store.LoadItemAsync(id, ct) ?? throw new InvalidOperationException($"Media item {id.Value} was deleted during the scan.");
        if (item.Type == MediaType.Series) _loaded[id] = item; // a movie is not changed again: no need to hold it
        return item;
    }

    /// <summary>
    /// The title is stored at once, find-or-create in one database operation: a second file of the same title, or
    /// another writer adding it at the same moment, gets the one stored item.
    /// </summary>
    private async Task<MediaItem> AddAsync(MediaItem candidate, CancellationToken ct)
    {
        // A movie waits for the batch's one statement; a series is stored at once (its episodes' ids are needed now).
        MediaItem item;
        if (candidate.Type == MediaType.Movie) store.AddItem(item = candidate);
        else item = await store.EnsureItemAsync(candidate, ct);
        var known = await Known(ct);
        if (known.ByTmdb(item.TmdbId) is null) known.Add(new KnownItem(item.Id, item.Type, item.TmdbId, item.Title, item.OriginalTitle, item.Year));
        if (item.Type == MediaType.Series) _loaded[item.Id] = item;
        return item;
    }

    private static Identification Matched(MediaItem item) => new(item, [], [], null);

    /// <summary>Season and episode rows come from TMDB's season details (once per season), else from the name.</summary>
    private async Task<Identification> EpisodesAsync(MediaItem series, ParsedName parsed, CancellationToken ct)
    {
        var suggestion = new MatchSuggestion(series.TmdbId, MediaType.Series, series.Title, series.Year, 1);
        var season = parsed.Season;
        IReadOnlyList<int> numbers = parsed.Episodes;
        if (numbers.Count == 0 && parsed.AbsoluteEpisodes.Count > 0)
        {
            if (season is not null) numbers = parsed.AbsoluteEpisodes;
            else if (await FromAbsoluteAsync(series, parsed.AbsoluteEpisodes, ct) is { } mapped) (season, numbers) = mapped;
        }
        if (season is null || numbers.Count == 0)
            return Identification.Unmatched($"The show is {series.Title}, but no season and episode could be read from the name.", [suggestion]);

        series = await EnsureSeasonAsync(series, season.Value, numbers, ct);
        var episodes = numbers.Select(n => series.FindEpisode(season.Value, n)).ToList();
        if (episodes.Any(e => e is null))
            return Identification.Unmatched($"{series.Title} has no episode S{season:00}E{numbers[0]:00} on TMDB.", [suggestion]);
        return new Identification(series, episodes!, [], null);
    }

    /// <summary>
    /// The series with the season's rows stored (find-or-create, like the item): added to the series in memory and
    /// written on their own (the series is not read again unless another writer stored them first).
    /// </summary>
    private async Task<MediaItem> EnsureSeasonAsync(MediaItem series, int number, IReadOnlyList<int> episodes, CancellationToken ct)
    {
        if (!_seasons.TryGetValue((series.Id, number), out var fromTmdb))
        {
            fromTmdb = false;
            if (TmdbAvailable)
            {
                var details = _seasonAnswers.TryRemove((series.TmdbId, number), out var answered)
                    ? (Value: answered, Failed: false)
                    : await Tmdb(t => t.GetSeasonAsync(series.TmdbId, number, ct));
                if (!details.Failed)
                {
                    fromTmdb = true;
                    _seasons[(series.Id, number)] = true;
                    if (details.Value is not { } s) return series;
                    return await StoreSeasonAsync(series, number, s.Name, s.Episodes.Select(e => (e.Number, e.Title, e.AirDate)), ct);
                }
            }
            _seasons[(series.Id, number)] = fromTmdb;
        }
        if (fromTmdb || episodes.All(e => series.FindEpisode(number, e) is not null)) return series;
        // Without TMDB the name is the only source: trust it for the rows it names.
        return await StoreSeasonAsync(series, number, number == 0 ? "Specials" : null, episodes.Select(e => (e, (string?)null, (DateOnly?)null)), ct);
    }

    private async Task<MediaItem> StoreSeasonAsync(
        MediaItem series, int number, string? name, IEnumerable<(int Number, string? Title, DateOnly? AirDate)> episodes, CancellationToken ct)
    {
        var season = series.EnsureSeason(number, name);
        foreach (var (episode, title, airDate) in episodes) season.EnsureEpisode(episode, title, airDate);
        var stored = await store.EnsureSeasonAsync(series, number, ct);
        _loaded[stored.Id] = stored;
        return stored;
    }

    /// <summary>Anime absolute numbers through TMDB's season lengths (specials excluded).</summary>
    private async Task<(int Season, IReadOnlyList<int> Episodes)?> FromAbsoluteAsync(MediaItem series, IReadOnlyList<int> absolute, CancellationToken ct)
    {
        if (!TmdbAvailable) return null;
        var details = await SeriesDetailsAsync(series.TmdbId, ct);
        if (details.Value is not { } s) return null;
        var first = absolute[0];
        var before = 0;
        foreach (var season in s.Seasons.Where(x => x.Number > 0).OrderBy(x => x.Number))
        {
            if (first <= before + season.EpisodeCount)
                return (season.Number, absolute.Select(a => a - before).Where(e => e >= 1 && e <= season.EpisodeCount).ToList());
            before += season.EpisodeCount;
        }
        return null;
    }

    private async Task<(SeriesMetadata? Value, bool Failed)> SeriesDetailsAsync(int tmdbId, CancellationToken ct)
    {
        if (_seriesDetails.TryGetValue(tmdbId, out var cached)) return (cached, false);
        var result = await Tmdb(t => t.GetSeriesAsync(tmdbId, ct));
        if (!result.Failed) _seriesDetails[tmdbId] = result.Value;
        return result;
    }

    /// <summary>One TMDB call; an outage marks TMDB down for the rest of this scan instead of failing it.</summary>
    private async Task<(T? Value, bool Failed)> Tmdb<T>(Func<IMetadataSource, Task<T?>> call)
    {
        if (!TmdbAvailable) return (default, true);
        try
        {
            return (await call(tmdb), false);
        }
        catch (MetadataUnavailableException e)
        {
            logger.LogWarning(e, "TMDB unavailable; identifying with local knowledge for the rest of the scan");
            _tmdbDown = true;
            return (default, true);
        }
    }

    private static string Kind(MediaType type) => type == MediaType.Movie ? "movie" : "series";
}
