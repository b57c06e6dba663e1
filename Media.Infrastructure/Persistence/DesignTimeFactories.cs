using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Media.Infrastructure.Persistence;

// Used by dotnet-ef only, to build each provider's model for its migrations; nothing connects.
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMediaDbContext>
{
    public PostgresMediaDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresMediaDbContext>();
        options.UsePostgresMedia("Host=localhost;Database=media");
        return new(options.Options);
    }
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMediaDbContext>
{
    public SqliteMediaDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteMediaDbContext>();
        options.UseSqliteMedia("Data Source=media.db");
        return new(options.Options);
    }
}
