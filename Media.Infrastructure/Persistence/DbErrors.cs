using Media.Domain.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Media.Infrastructure.Persistence;

/// <summary>
/// Turns the constraint violations that concurrent users can cause into Conflict errors, so that callers
/// see "already exists" or "still in use" instead of a database exception.
/// </summary>
internal static class DbErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintForeignKey = 787;

    // Unique indexes by name, with the error each one means.
    private static readonly Dictionary<string, Error> Unique = new(StringComparer.Ordinal)
    {
        ["ix_scan_library_id_active"] = Error.Conflict("scan.already_running", "A scan of this library is already queued or running."),
        ["ix_media_item_type_tmdb_id"] = Error.Conflict("media_item.duplicate", "A media item of this type and TMDB id already exists."),
        ["ix_library_storage_root"] = Error.Conflict("library.duplicate_root", "Another library already uses this storage root."),
        ["ix_media_file_library_id_path_hash"] = Error.Conflict("media_file.duplicate_path", "This path is already a media file of the library."),
        ["ix_unmatched_file_library_id_path_hash"] = Error.Conflict("unmatched_file.duplicate_path", "This path is already in the unmatched queue."),
        ["ix_season_media_item_id_season_number"] = Error.Conflict("season.duplicate", "This season already exists."),
        ["ix_episode_season_id_episode_number"] = Error.Conflict("episode.duplicate", "This episode already exists."),
        ["ix_app_user_username"] = Error.Conflict("user.duplicate", "A user with this name already exists."),
        ["ix_downloader_name"] = Error.Conflict("downloader.duplicate", "A download client with this name already exists."),
        ["ix_name_template_name"] = Error.Conflict("name_template.duplicate", "A name template with this name already exists."),
    };

    private static readonly Error InUse = Error.Conflict("in_use", "It is still referenced by other records.");
    private static readonly Error Duplicate = Error.Conflict("duplicate", "It already exists.");

    /// <summary>Another writer changed the row first (a concurrency token differs).</summary>
    public static readonly Error Changed = Error.Conflict("concurrency.changed", "Someone else changed this at the same moment; try again.");

    public static Error? ToError(DbUpdateException exception, DbContext context) => exception is DbUpdateConcurrencyException ? Changed : exception.InnerException switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg => ByIndexName(pg.ConstraintName),
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => InUse,
        SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintForeignKey } => InUse,
        SqliteException { SqliteErrorCode: SqliteConstraint } sqlite when sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal) =>
            ByIndexName(SqliteIndexName(sqlite.Message, context)),
        _ => null,
    };

    /// <summary>
    /// The database cannot be reached or did not answer in time (an outage, a restart, a full connection pool): an exception
    /// anywhere in the chain says so. Callers answer 503 and ask the client to retry later.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException { IsTransient: true }:
                case PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                    or PostgresErrorCodes.TooManyConnections }:
                case SqliteException { SqliteErrorCode: 5 or 6 }: // busy or locked after the busy timeout and the retries
                case System.Net.Sockets.SocketException:
                case TimeoutException:
                    return true;
            }
        }
        return false;
    }

    private static Error ByIndexName(string? name) => name is not null && Unique.TryGetValue(name, out var error) ? error : Duplicate;

    // SQLite names the columns, not the index: "UNIQUE constraint failed: media_item.type, media_item.tmdb_id".
    private static string? SqliteIndexName(string message, DbContext context)
    {
        var at = message.IndexOf("failed: ", StringComparison.Ordinal);
        if (at < 0) return null;
        var columns = message[(at + 8)..].TrimEnd('.', '\'').Split(", ").Select(c => c.Trim()).ToArray();
        foreach (var entity in context.Model.GetEntityTypes())
        foreach (var index in entity.GetIndexes().Where(i => i.IsUnique))
        {
            var table = entity.GetTableName();
            var names = index.Properties.Select(p => $"{table}.{p.GetColumnName()}");
            if (names.SequenceEqual(columns)) return index.GetDatabaseName();
        }
        return null;
    }
}
