using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Media.Infrastructure.Persistence;

/// <summary>
/// Applies pending migrations at start-up. On PostgreSQL several instances may start at once:
/// a session advisory lock lets one migrate while the others wait, then find nothing left to do.
/// </summary>
public sealed class DatabaseMigrator(MediaDbContext db, ILogger<DatabaseMigrator> logger)
{
    // An arbitrary, fixed 64-bit key that every Media instance agrees on.
    private const long MigrationLockKey = 0x4d65646961_4d6967;

    public async Task MigrateAsync(CancellationToken ct)
    {
        if (db is PostgresMediaDbContext)
        {
            await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
            await connection.OpenAsync(ct);
            await Execute(connection, $"SELECT pg_advisory_lock({MigrationLockKey})", ct);
            try
            {
                await MigratePendingAsync(ct);
            }
            finally
            {
                await Execute(connection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        else
        {
            await MigratePendingAsync(ct);
        }
    }

    private async Task MigratePendingAsync(CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count == 0) return;
        logger.LogInformation("Applying {Count} migrations: {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
