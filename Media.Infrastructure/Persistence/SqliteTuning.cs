using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Media.Infrastructure.Persistence;

/// <summary>
/// Every SQLite connection: write-ahead log (readers never wait for a scan's writes), a busy timeout
/// (a writer waits for another instead of failing), foreign keys on, and media_sha256(text) (the path key that
/// migration 0014 computes for existing rows; PostgreSQL has sha256() built in).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        AddFunctions(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        AddFunctions(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddFunctions(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
            sqlite.CreateFunction("media_sha256", (string? text) => text is null ? null : Domain.Common.PathKey.Of(text), isDeterministic: true);
    }
}

/// <summary>Retries a whole unit of work that still met SQLITE_BUSY or SQLITE_LOCKED after the busy timeout.</summary>
internal sealed class SqliteRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, maxRetryCount: 5, maxRetryDelay: TimeSpan.FromSeconds(2))
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    protected override bool ShouldRetryOn(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }
        || exception.InnerException is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };
}
