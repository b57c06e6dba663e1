using Media.Application.Users;
using Media.Infrastructure.Persistence;

namespace Media.Api;

internal static partial class Startup
{
    /// <summary>Before serving: the schema is current and someone can log in.</summary>
    public static async Task PrepareDatabaseAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);

        await scope.ServiceProvider.GetRequiredService<Media.Application.Settings.SettingsHandler>().LoadAsync(app.Lifetime.ApplicationStopping);

        var configured = app.Configuration["Auth:BootstrapApiKey"];
        var outcome = await scope.ServiceProvider.GetRequiredService<BootstrapAdminHandler>()
            .Handle(new BootstrapAdmin(configured), app.Lifetime.ApplicationStopping);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Media.Startup");
        if (outcome.GeneratedApiKey is { } key) LogGeneratedKey(logger, BootstrapAdminHandler.AdminUsername, key);
        else if (outcome.Created) LogConfiguredKey(logger, BootstrapAdminHandler.AdminUsername);
    }

    // Shown once: only its hash is stored, so this log line is the only place the key can be read.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Created user '{User}' (Admin) with API key {ApiKey}. Store it now: it is not shown again.")]
    private static partial void LogGeneratedKey(ILogger logger, string user, string apiKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created user '{User}' (Admin) with the API key from Auth__BootstrapApiKey.")]
    private static partial void LogConfiguredKey(ILogger logger, string user);
}
