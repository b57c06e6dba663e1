using Microsoft.AspNetCore.DataProtection;
using Media.Infrastructure.Persistence;
using Media.Infrastructure.Tmdb;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Media.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Adapters: the database of the configured provider, repositories by convention, health checks.</summary>
    public static IServiceCollection AddMediaInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseSettings.From(configuration);
        services.AddSingleton(database);
        if (database.Provider == DatabaseProvider.Postgres)
            services.AddDbContext<MediaDbContext, PostgresMediaDbContext>(o => o.UsePostgresMedia(database.ConnectionString));
        else
            services.AddDbContext<MediaDbContext, SqliteMediaDbContext>(o => o.UseSqliteMedia(database.ConnectionString));

        services.Scan(s => s.FromAssemblyOf<MediaDbContext>()
            .AddClasses(c => c.Where(t => t.Name.EndsWith("Repository", StringComparison.Ordinal)), publicOnly: false)
            .AsImplementedInterfaces().WithScopedLifetime());
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<Application.Scanning.IScanStore, Persistence.Repositories.ScanStore>();
        services.AddScoped<Application.Scanning.IFileMoveStore, Persistence.Repositories.FileMoveStore>();
        services.AddSingleton<Application.Scanning.IScanLedger, Persistence.Repositories.ScanLedger>();
        services.AddSingleton(_ => new Persistence.Repositories.QueueBookmarks());
        services.AddSingleton<Persistence.Repositories.TitleSearchTexts>();
        services.AddSingleton<Application.Common.ILeadership, DatabaseLeadership>();
        services.AddScoped<Application.Common.IInstanceRegistry, Persistence.Repositories.InstanceRegistry>();
        services.AddScoped<Application.Settings.ISettingsStore, Persistence.Repositories.SettingsStore>();
        services.AddSingleton<Application.Users.IPasswordHasher, Security.IdentityPasswordHasher>();
        services.AddSingleton<Application.Settings.RuntimeSettings>();
        services.AddSingleton<Application.Downloads.DownloaderBackoff>();
        services.AddScoped<Application.Downloads.DownloadClients>();
        services.AddSingleton<Storage.AzureBlobClients>();
        services.AddSingleton<Storage.LocalFileTransfer>();
        services.AddSingleton<Storage.AzureBlobFileTransfer>();
        services.AddSingleton<Application.Imports.IFileTransfer, Storage.StorageFileTransfer>();
        services.AddHttpClient("downloaders", c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { UseCookies = false });
        services.AddSingleton<Application.Downloads.IDownloadClientFactory, Downloaders.DownloadClientFactory>();
        services.AddDataProtection().SetApplicationName("Media")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(database.DataDirectory, "keys")));
        services.AddSingleton<Application.Downloads.ISecretProtector, Security.DataProtectionSecrets>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Application.Storage.ILibraryStorageFactory, Storage.LibraryStorageFactory>();
        services.AddTmdb(configuration);
        var probes = Probing.ProbeSettings.From(configuration);
        services.AddSingleton(probes);
        services.AddSingleton(probes.Options);
        services.AddSingleton<Application.Probing.IMediaProbe, Probing.FfprobeMediaProbe>();
        services.AddSingleton<Application.Probing.IProbeQueue, Persistence.Repositories.ProbeQueue>();
        services.AddScoped<Application.Probing.IProbeReader, Persistence.Repositories.ProbeReader>();
        services.AddSingleton<Application.Probing.ProbeRunner>();
        services.AddScoped<Application.Probing.ImportContentCheck>();
        return services;
    }
}

/// <summary>Ready when a query reaches the database.</summary>
internal sealed class DatabaseHealthCheck(MediaDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
