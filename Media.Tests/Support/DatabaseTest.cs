using Media.Infrastructure;
using Media.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Support;

public enum Provider { Postgres, Sqlite }

/// <summary>
/// A fresh, migrated database per fixture, on a real PostgreSQL server or a SQLite file, wired exactly as
/// the API wires it. Each test gets its own scope (its own unit of work); <see cref="InNewScope"/> reads back
/// through another, so that round trips really go through the database.
/// </summary>
public abstract class DatabaseTest(Provider provider)
{
    private ServiceProvider _services = null!;
    private AsyncServiceScope _scope;
    private string? _sqliteDirectory;

    protected Provider Provider { get; } = provider;
    protected static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    protected string ConnectionString { get; private set; } = "";

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        (ConnectionString, _sqliteDirectory) = await TestDatabases.CreateAsync(Provider);
        _services = TestDatabases.Services(Provider, ConnectionString, configure: ConfigureServices);
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(Ct);
    }

    /// <summary>Replaces what a fixture needs replaced (an external system's client), after the real registrations.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await _services.DisposeAsync();
        TestDatabases.DeleteSqlite(_sqliteDirectory);
    }

    [SetUp]
    public void OpenScope() => _scope = _services.CreateAsyncScope();

    [TearDown]
    public async Task CloseScope() => await _scope.DisposeAsync();

    protected T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>The fixture's services, for tests that need several scopes (units of work) at once.</summary>
    protected IServiceProvider Services => _services;

    /// <summary>
    /// The database's plan for a command of this test's context (PostgreSQL's EXPLAIN, SQLite's EXPLAIN QUERY PLAN), one
    /// line a step: what a test of an index reads.
    /// </summary>
    protected async Task<string> PlanAsync(System.Data.Common.DbCommand command)
    {
        command.CommandText = (Provider == Provider.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + command.CommandText;
        await Get<MediaDbContext>().Database.OpenConnectionAsync(Ct);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) plan.Add(Convert.ToString(reader.GetValue(reader.FieldCount - 1), System.Globalization.CultureInfo.InvariantCulture)!);
        return string.Join('\n', plan);
    }

    /// <inheritdoc cref="PlanAsync(System.Data.Common.DbCommand)"/>
    protected async Task<string> PlanAsync<T>(IQueryable<T> query)
    {
        await using var command = query.CreateDbCommand();
        return await PlanAsync(command);
    }

    protected async Task<TResult> InNewScope<TResult>(Func<IServiceProvider, Task<TResult>> read)
    {
        await using var scope = _services.CreateAsyncScope();
        return await read(scope.ServiceProvider);
    }

    protected async Task InNewScope(Func<IServiceProvider, Task> act)
    {
        await using var scope = _services.CreateAsyncScope();
        await act(scope.ServiceProvider);
    }
}

internal static class TestDatabases
{
    public static async Task<(string ConnectionString, string? SqliteDirectory)> CreateAsync(Provider provider)
    {
        if (provider == Provider.Postgres)
        {
            var server = await PostgresServer.SharedAsync();
            return (await server.CreateDatabaseAsync(), null);
        }
        var directory = Path.Combine(Path.GetTempPath(), $"media-sqlite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return ($"Data Source={Path.Combine(directory, "media.db")};Pooling=True", directory);
    }

    public static Dictionary<string, string?> Settings(Provider provider, string connectionString) => new()
    {
        ["Database:Provider"] = provider == Provider.Postgres ? "postgres" : "sqlite",
        ["ConnectionStrings:Media"] = connectionString,
    };

    public static ServiceProvider Services(
        Provider provider, string connectionString, IEnumerable<KeyValuePair<string, string?>>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Settings(provider, connectionString))
            .AddInMemoryCollection(extra ?? [])
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMediaInfrastructure(configuration);
        // The use cases, as the API registers them.
        services.Scan(s => s.FromAssemblyOf<Media.Application.Libraries.CreateLibraryHandler>()
            .AddClasses(c => c.Where(t => t.Name.EndsWith("Handler", StringComparison.Ordinal)), publicOnly: false)
            .AsSelf().WithScopedLifetime());
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public static void DeleteSqlite(string? directory)
    {
        if (directory is null) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { /* a file still open on some platforms; the temp folder is cleaned eventually */ }
    }
}
