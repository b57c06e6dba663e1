using System.Text.Json;
using System.Text.Json.Serialization;
using Media.Api;
using Media.Api.Auth;
using Media.Api.Background;
using Media.Api.Endpoints;
using Media.Api.Problems;
using Media.Application.Libraries;
using Media.Application.Scanning;
using Media.Domain.Users;
using Media.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

// The content root (where appsettings.json is) is the app's own folder, wherever it is started from; a configured one
// (--contentRoot, ASPNETCORE_CONTENTROOT) still wins.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = ContentRoot.Configured(args) ? null : AppContext.BaseDirectory,
});
// The web app's files: from wwwroot and the build's compressed copies when run from a build (build.ps1 run, the
// tests), from the publish folder when published (there the manifest is absent and this does nothing).
Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);
// Off unless configured: from a build, MapStaticAssets would otherwise check each file against the manifest, find its
// modification time different (the manifest keeps whole seconds, the file system does not) and send every file
// wrapped in an uncompressed gzip stream instead of the build's compressed copy. Set it to true while editing wwwroot.
builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";

builder.Services.AddMediaInfrastructure(builder.Configuration);
builder.Services.Scan(s => s.FromAssemblyOf<CreateLibraryHandler>()
    .AddClasses(c => c.Where(t => t.Name.EndsWith("Handler", StringComparison.Ordinal)), publicOnly: false)
    .AsSelf().WithScopedLifetime());

builder.Services.AddScoped<ScanRunner>();
builder.Services.AddSingleton<LoginThrottle>();
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = 1024 * 1024); // requests are small JSON
builder.Services.AddSingleton<ScanQueue>();
builder.Services.AddSingleton<IScanQueue>(p => p.GetRequiredService<ScanQueue>());
builder.Services.AddSingleton<ScanWorker>();
builder.Services.AddHostedService(p => p.GetRequiredService<ScanWorker>());
builder.Services.AddSingleton<DownloadMonitor>();
builder.Services.AddHostedService(p => p.GetRequiredService<DownloadMonitor>());
builder.Services.AddHostedService<SettingsRefresher>();
builder.Services.AddSingleton(Media.Application.Common.InstanceIdentity.Create());
builder.Services.AddHostedService<InstanceHeartbeat>();
builder.Services.AddHostedService<ScanScheduler>();
builder.Services.AddSingleton<LibraryWatcher>();
builder.Services.AddHostedService(p => p.GetRequiredService<LibraryWatcher>());
builder.Services.AddHostedService<ProbeWorker>();

builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    o.SerializerOptions.Converters.Add(new StrictStringConverter());
});
builder.Services.AddSingleton<StrictRequestValues>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
    c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
builder.Services.AddExceptionHandler<ExceptionProblems>();

builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization(o =>
{
    foreach (var permission in Permission.All)
        o.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireClaim(ApiKeyAuthenticationHandler.PermissionClaim, permission));
});
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<ApiKeySecurityScheme>());

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<StrictRequestValues>();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
app.MapOpenApi();
app.MapScalarApiReference();
// The web app (wwwroot): fingerprinted, precompressed assets; client routes fall back to index.html.
app.MapStaticAssets();
app.MapWebApp();

var v1 = app.MapGroup("/v1").RequireAuthorization();
v1.MapLibraries();
v1.MapParse();
v1.MapScans();
v1.MapMediaFiles();
v1.MapMediaItems();
v1.MapUnmatched();
v1.MapUsers();
v1.MapDownloaders();
v1.MapDownloadJobs();
v1.MapPolicies();
v1.MapSystem();
v1.MapMetadata();

await Startup.PrepareDatabaseAsync(app);
await app.RunAsync();

public partial class Program;

internal static class ContentRoot
{
    public static bool Configured(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase) || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
}
