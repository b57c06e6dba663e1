namespace Media.Infrastructure.Persistence;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Section "Database"; the connection string is ConnectionStrings:Media.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
