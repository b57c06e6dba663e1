using Microsoft.Extensions.Configuration;

namespace Media.Infrastructure.Persistence;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>
/// Database__Provider (sqlite | postgres), ConnectionStrings__Media, Media__DataDirectory: with none of them set,
/// an embedded SQLite file in ./data.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string DataDirectory)
{
    public static DatabaseSettings From(IConfiguration configuration)
    {
        var dataDirectory = Path.GetFullPath(configuration["Media:DataDirectory"] is { Length: > 0 } d ? d : "data");
        var provider = configuration["Database:Provider"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            var other => throw new InvalidOperationException($"Database__Provider '{other}' is not known: use sqlite or postgres."),
        };
        var connectionString = configuration.GetConnectionString("Media");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
                throw new InvalidOperationException("Database__Provider is postgres: set ConnectionStrings__Media to the server's connection string.");
            Directory.CreateDirectory(dataDirectory);
            connectionString = $"Data Source={Path.Combine(dataDirectory, "media.db")};Pooling=True";
        }
        return new DatabaseSettings(provider, connectionString, dataDirectory);
    }
}
