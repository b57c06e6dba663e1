using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence;

internal static class ProviderSetup
{
    public static DbContextOptionsBuilder UsePostgresMedia(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql
                .MigrationsHistoryTable("__ef_migrations_history")
                .EnableRetryOnFailure(maxRetryCount: 3))
            .UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseSqliteMedia(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite
                .MigrationsHistoryTable("__ef_migrations_history")
                .ExecutionStrategy(d => new SqliteRetryingExecutionStrategy(d)))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new SqlitePragmas());
}
