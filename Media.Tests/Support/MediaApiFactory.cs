using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Media.Application.Users;
using Media.Domain.Common;
using Media.Domain.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Support;

/// <summary>The real API host on a fresh database of the given provider, with a known admin key.</summary>
public sealed class MediaApiFactory : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly Dictionary<string, string?> _settings;
    private readonly string? _sqliteDirectory;
    private readonly Action<IServiceCollection>? _services;

    private MediaApiFactory(Provider provider, string connectionString, string? sqliteDirectory, Action<IServiceCollection>? services)
    {
        (Provider, ConnectionString, _sqliteDirectory, _services) = (provider, connectionString, sqliteDirectory, services);
        _settings = TestDatabases.Settings(provider, connectionString);
        _settings["Auth:BootstrapApiKey"] = AdminKey;
        // Tests that write files and scan them must not race a watcher's rescans; the watcher's own tests turn it on.
        _settings["Watcher:Enabled"] = "false";
        // The host here is the test process, with every other test's heap: a full collection after each scan would
        // only slow the suite (the API's own process, in the benchmarks and as users run it, keeps the default).
        _settings["Scans:ReturnMemory"] = "false";
        _settings["Media:DataDirectory"] = sqliteDirectory ?? Path.Combine(Path.GetTempPath(), $"media-data-{Guid.NewGuid():N}");
    }

    public Provider Provider { get; }
    public string ConnectionString { get; }
    public string AdminKey { get; } = ApiKeys.Generate();

    public static async Task<MediaApiFactory> CreateAsync(
        Provider provider, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (connectionString, directory) = await TestDatabases.CreateAsync(provider);
        var factory = new MediaApiFactory(provider, connectionString, directory, services);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) factory._settings[key] = value;
        return factory;
    }

    /// <summary>A host on an existing database (benchmarks fill one first).</summary>
    public static MediaApiFactory ForDatabase(Provider provider, string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new MediaApiFactory(provider, connectionString, null, null);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) factory._settings[key] = value;
        return factory;
    }

    /// <summary>Settings that point the TMDB adapter at a fake, with short retry delays.</summary>
    public static Dictionary<string, string?> TmdbSettings(FakeTmdb tmdb) => new()
    {
        ["Tmdb:ApiKey"] = FakeTmdb.ApiKey,
        ["Tmdb:BaseUrl"] = tmdb.BaseUrl,
        ["Tmdb:RetryBaseDelay"] = "00:00:00.050",
        ["Tmdb:MaxRetries"] = "6",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (_services is not null) builder.ConfigureServices(_services);
    }

    public HttpClient ClientWithKey(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public HttpClient Admin() => ClientWithKey(AdminKey);

    /// <summary>A user of the given role; its API key.</summary>
    public async Task<string> UserWithRoleAsync(RoleId role)
    {
        var key = ApiKeys.Generate();
        await using var scope = Services.CreateAsyncScope();
        var user = User.Create($"user-{Guid.NewGuid():N}"[..24], role, ApiKeys.Hash(key), null, DateTimeOffset.UtcNow);
        var added = await scope.ServiceProvider.GetRequiredService<IUserRepository>().AddAsync(user, CancellationToken.None);
        if (added.IsFailure) throw new InvalidOperationException(added.Error!.Message);
        return key;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TestDatabases.DeleteSqlite(_sqliteDirectory);
    }
}

public static class HttpAssertions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(MediaApiFactory.Json);
}

public static class ApiScans
{
    /// <summary>Starts a scan through the API and waits (up to a minute) until it ends; its final state.</summary>
    public static async Task<JsonElement> ScanAsync(this HttpClient client, Guid library, string? folder, CancellationToken ct, TimeSpan? timeout = null)
    {
        using var response = folder is null
            ? await client.PostAsync($"/v1/libraries/{library}/scan", null, ct)
            : await client.PostAsJsonAsync($"/v1/libraries/{library}/scan", new { path = folder }, ct);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync(ct));
        var started = await response.JsonAsync();
        Assert.That(started.GetProperty("status").GetString(), Is.EqualTo("queued"));
        var id = started.GetProperty("id").GetGuid();
        var limit = timeout ?? TimeSpan.FromMinutes(1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var scan = await client.GetFromJsonAsync<JsonElement>($"/v1/scans/{id}", MediaApiFactory.Json, ct);
            if (scan.GetProperty("status").GetString() is "completed" or "failed") return scan;
            // Every 25 ms at first, then a hundredth of the time it has run (at most 200 ms): the end is seen within 1%
            // of the scan's time, and a long scan is not asked about 40 times a second (each answer costs the API).
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(clock.Elapsed.TotalMilliseconds / 100, 25, 200)), ct);
        }
        Assert.Fail($"The scan did not finish within {limit}.");
        return default;
    }

    public static async Task<Guid> CreateLibraryAsync(this HttpClient client, string name, string kind, string root, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        using var response = await client.PostAsJsonAsync("/v1/libraries", new { name, kind, storage = new { provider = "local", root } }, ct);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), await response.Content.ReadAsStringAsync(ct));
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }
}
