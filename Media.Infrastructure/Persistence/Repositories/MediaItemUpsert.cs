using System.Globalization;
using System.Text;
using System.Text.Json;
using Media.Application.MediaItems;
using Media.Domain.Common;
using Media.Domain.MediaItems;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>
/// Find-or-create of a media item with its seasons and episodes, atomic in the database: each row is an
/// <c>INSERT ... ON CONFLICT DO NOTHING</c> (PostgreSQL and SQLite speak the same dialect here) on its unique key, then
/// the stored rows are read. Two writers adding the same title at once both end with the one stored item; nobody
/// retries on an error code. Known episodes take newer details (title, air date) from the candidate.
/// </summary>
internal static class MediaItemUpsert
{
    private const int RowsPerStatement = 200;

    public static async Task<EnsuredItem> EnsureAsync(MediaDbContext db, MediaItem candidate, CancellationToken ct)
    {
        var sqlite = db.Database.IsSqlite();
        var inserted = await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO media_item (id, type, tmdb_id, title, original_title, year, created_at, overview, poster_path) " +
            "VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}) ON CONFLICT (type, tmdb_id) DO NOTHING",
            [candidate.Id.Value, Word(candidate.Type), candidate.TmdbId, candidate.Title, OrNull(db, candidate.OriginalTitle),
             OrNull(db, candidate.Year), Time(candidate.CreatedAt, sqlite), OrNull(db, candidate.Overview), OrNull(db, candidate.PosterPath)], ct);

        var itemId = inserted == 1 ? candidate.Id
            : await db.Set<MediaItem>().AsNoTracking().Where(m => m.Type == candidate.Type && m.TmdbId == candidate.TmdbId).Select(m => m.Id).SingleAsync(ct);

        if (candidate.Seasons.Count > 0)
        {
            await ExecuteRowsAsync(db, SeasonInsert, SeasonConflict,
                candidate.Seasons.Select(s => new object[] { s.Id.Value, itemId.Value, s.Number, OrNull(db, s.Name) }), ct);
            var seasonIds = await db.Set<Season>().AsNoTracking().Where(s => s.MediaItemId == itemId)
                .ToDictionaryAsync(s => s.Number, s => s.Id, ct);
            await ExecuteRowsAsync(db, EpisodeInsert, EpisodeConflict,
                candidate.Seasons.SelectMany(s => s.Episodes.Select(e => EpisodeRow(db, e, seasonIds[s.Number]))), ct);
        }

        var stored = candidate.Type == MediaType.Movie
            ? await db.Set<MediaItem>().AsNoTracking().SingleAsync(m => m.Id == itemId, ct)
            : await db.Set<MediaItem>().AsNoTracking().Include(m => m.Seasons).ThenInclude(s => s.Episodes).AsSplitQuery().SingleAsync(m => m.Id == itemId, ct);
        return new EnsuredItem(stored, inserted == 1);
    }

    /// <summary>
    /// Many movies at once (a scan's batch): one multi-row insert that skips the ones already stored, then one read of
    /// their ids. Returns, for each candidate stored under another id (another writer was first), the id kept.
    /// </summary>
    public static async Task<Dictionary<MediaItemId, MediaItemId>> EnsureMoviesAsync(MediaDbContext db, IReadOnlyCollection<MediaItem> candidates, CancellationToken ct)
    {
        var kept = new Dictionary<MediaItemId, MediaItemId>();
        if (candidates.Count == 0) return kept;
        if (candidates.Any(c => c.Seasons.Count > 0)) throw new ArgumentException("Only items without seasons are ensured in bulk.", nameof(candidates));
        var sqlite = db.Database.IsSqlite();
        await ExecuteRowsAsync(db, "INSERT INTO media_item (id, type, tmdb_id, title, original_title, year, created_at, overview, poster_path) VALUES ",
            " ON CONFLICT (type, tmdb_id) DO NOTHING",
            candidates.Select(c => new object[]
            {
                c.Id.Value, Word(c.Type), c.TmdbId, c.Title, OrNull(db, c.OriginalTitle), OrNull(db, c.Year), Time(c.CreatedAt, sqlite),
                OrNull(db, c.Overview), OrNull(db, c.PosterPath),
            }), ct);
        foreach (var type in candidates.Select(c => c.Type).Distinct())
        {
            var ofType = candidates.Where(c => c.Type == type).ToList();
            var tmdbIds = ofType.Select(c => c.TmdbId).ToList();
            var stored = await db.Set<MediaItem>().AsNoTracking().Where(m => m.Type == type && tmdbIds.Contains(m.TmdbId))
                .Select(m => new { m.Id, m.TmdbId }).ToDictionaryAsync(m => m.TmdbId, m => m.Id, ct);
            foreach (var candidate in ofType)
                if (stored[candidate.TmdbId] != candidate.Id) kept[candidate.Id] = stored[candidate.TmdbId];
        }
        return kept;
    }

    /// <summary>
    /// One season of a stored series, find-or-create in two statements that return the stored rows' ids: true when
    /// they are the season's and its episodes' own ids (the caller's aggregate is what the database holds), false
    /// when another writer stored the season first (its episodes are then not written here).
    /// </summary>
    public static async Task<bool> EnsureSeasonAsync(MediaDbContext db, MediaItemId itemId, Season season, CancellationToken ct)
    {
        var (seasonSql, seasonParameters) = StoredValues.Rows(SeasonInsert, SeasonConflict + Returning, [[season.Id.Value, itemId.Value, season.Number, OrNull(db, season.Name)]]);
        var stored = await db.Database.SqlQueryRaw<Guid>(seasonSql, seasonParameters.ToArray()).ToListAsync(ct);
        if (stored is not [var id] || id != season.Id.Value) return false;
        var ids = new HashSet<Guid>();
        foreach (var chunk in season.Episodes.Chunk(RowsPerStatement))
        {
            var (sql, parameters) = StoredValues.Rows(EpisodeInsert, EpisodeConflict + Returning, chunk.Select(e => EpisodeRow(db, e, season.Id)));
            ids.UnionWith(await db.Database.SqlQueryRaw<Guid>(sql, parameters.ToArray()).ToListAsync(ct));
        }
        return ids.Count == season.Episodes.Count && season.Episodes.All(e => ids.Contains(e.Id.Value));
    }

    /// <summary>
    /// Many seasons of stored series at once (a scan's batch): the seasons in multi-row statements that return the
    /// stored rows, then all their episodes, under the stored seasons' ids, likewise. Returns, for each episode stored
    /// under another id (another writer stored its season first), the id kept. Each season comes with its episodes as
    /// they were when it was handed over (a scan may add episodes to it meanwhile: they come with a later batch).
    /// </summary>
    public static async Task<Dictionary<EpisodeId, EpisodeId>> EnsureSeasonsAsync(
        MediaDbContext db, IReadOnlyCollection<(MediaItemId Item, Season Season, IReadOnlyList<Episode> Episodes)> seasons, CancellationToken ct)
    {
        var seasonIds = new Dictionary<(Guid Item, int Number), Guid>();
        foreach (var chunk in seasons.Chunk(RowsPerStatement))
        {
            var (sql, parameters) = StoredValues.Rows(SeasonInsert, SeasonConflict + " RETURNING id AS \"Id\", media_item_id AS \"Parent\", season_number AS \"Number\"",
                chunk.Select(s => new object[] { s.Season.Id.Value, s.Item.Value, s.Season.Number, OrNull(db, s.Season.Name) }));
            foreach (var row in await db.Database.SqlQueryRaw<StoredRow>(sql, parameters.ToArray()).ToListAsync(ct))
                seasonIds[(row.Parent, row.Number)] = row.Id;
        }
        var kept = new Dictionary<EpisodeId, EpisodeId>();
        var episodes = seasons.SelectMany(s => s.Episodes.Select(e => (Episode: e, Season: seasonIds[(s.Item.Value, s.Season.Number)])));
        foreach (var chunk in episodes.Chunk(RowsPerStatement))
        {
            var (sql, parameters) = StoredValues.Rows(EpisodeInsert, EpisodeConflict + " RETURNING id AS \"Id\", season_id AS \"Parent\", episode_number AS \"Number\"",
                chunk.Select(x => EpisodeRow(db, x.Episode, new SeasonId(x.Season))));
            var stored = (await db.Database.SqlQueryRaw<StoredRow>(sql, parameters.ToArray()).ToListAsync(ct)).ToDictionary(r => (r.Parent, r.Number), r => r.Id);
            foreach (var (episode, season) in chunk)
                if (stored[(season, episode.Number)] is var id && id != episode.Id.Value) kept[episode.Id] = new EpisodeId(id);
        }
        return kept;
    }

    /// <summary>A stored row as an upsert returns it: its id, its parent's, its number.</summary>
    private sealed class StoredRow
    {
        public Guid Id { get; set; }
        public Guid Parent { get; set; }
        public int Number { get; set; }
    }

    private const string SeasonInsert = "INSERT INTO season (id, media_item_id, season_number, name) VALUES ";
    private const string SeasonConflict = " ON CONFLICT (media_item_id, season_number) DO UPDATE SET name = COALESCE(excluded.name, season.name)";
    private const string EpisodeInsert = "INSERT INTO episode (id, season_id, episode_number, title, air_date) VALUES ";
    private const string EpisodeConflict =
        " ON CONFLICT (season_id, episode_number) DO UPDATE SET title = COALESCE(excluded.title, episode.title), air_date = COALESCE(excluded.air_date, episode.air_date)";
    private const string Returning = " RETURNING id AS \"Value\"";

    private static object[] EpisodeRow(MediaDbContext db, Episode episode, SeasonId season) =>
        [episode.Id.Value, season.Value, episode.Number, OrNull(db, episode.Title), OrNull(db, episode.AirDate)];

    private static async Task ExecuteRowsAsync(MediaDbContext db, string insert, string conflict, IEnumerable<object[]> rows, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var (sql, parameters) = StoredValues.Rows(insert, conflict, chunk);
            await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
        }
    }

    // The model stores enums as snake_case words and, on SQLite, times as UTC ticks (see Converters).
    private static string Word(MediaType type) => JsonNamingPolicy.SnakeCaseLower.ConvertName(type.ToString());

    private static object Time(DateTimeOffset at, bool sqlite) => sqlite ? at.UtcTicks : at.ToUniversalTime();

    // EF cannot type a bare null: a null goes as a provider parameter of its own (the column types it).
    private static object OrNull<T>(MediaDbContext db, T? value)
    {
        if (value is not null) return value;
        var parameter = db.Database.GetDbConnection().CreateCommand().CreateParameter();
        parameter.Value = DBNull.Value;
        return parameter;
    }
}
