using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Settings;
using Media.Domain.Unmatched;
using Media.Domain.Users;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>No route left open, no bad input that reaches a 500 or changes the database, no path out of a library root.</summary>
public sealed class SecurityTests
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _viewerKey = null!;
    private string _managerKey = null!;
    private string _root = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        _admin = _api.Admin();
        _viewerKey = await _api.UserWithRoleAsync(Role.ViewerId);
        _managerKey = await _api.UserWithRoleAsync(Role.ManagerId);
        _root = Path.Combine(Path.GetTempPath(), $"media-security-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private sealed record Route(string Method, string Template, IReadOnlyList<string> Permissions, bool Anonymous);

    /// <summary>Every route of the OpenAPI document, with the permissions its endpoint requires.</summary>
    private async Task<List<Route>> RoutesAsync()
    {
        using var client = _api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var endpoints = _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var routes = new List<Route>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant();
                var endpoint = endpoints.SingleOrDefault(e =>
                    Normalize(e.RoutePattern.RawText) == Normalize(path.Name) &&
                    (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains(method) ?? false));
                Assert.That(endpoint, Is.Not.Null, $"{method} {path.Name} has an endpoint");
                var permissions = endpoint!.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
                routes.Add(new Route(method, path.Name, permissions, endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null));
            }
        }
        return routes;
    }

    private static string Normalize(string? template) =>
        System.Text.RegularExpressions.Regex.Replace("/" + (template ?? "").Trim('/'), @"\{([a-zA-Z]+)(:[^}]*)?\}", "{$1}").ToLowerInvariant();

    private static HttpRequestMessage Request(Route route, string? key)
    {
        var url = System.Text.RegularExpressions.Regex.Replace(route.Template, @"\{id\}", Guid.NewGuid().ToString())
            .Replace("{key}", "tmdb.language", StringComparison.Ordinal)
            .Replace("{tmdbId}", "603", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
        if (route.Method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return request;
    }

    [Test]
    public async Task Every_route_needs_a_key_and_the_right_permission()
    {
        var routes = await RoutesAsync();
        Assert.That(routes, Has.Count.GreaterThan(25), "the document lists the API");
        using var anonymous = _api.CreateClient();
        var checkedForbidden = 0;
        foreach (var route in routes)
        {
            var name = $"{route.Method} {route.Template}";
            if (route.Anonymous)
            {
                Assert.That(route.Template, Is.EqualTo("/v1/auth/login"), $"{name} is the only anonymous route");
                continue;
            }
            using (var none = await anonymous.SendAsync(Request(route, null), Ct))
                Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{name} without a key");
            using (var wrong = await anonymous.SendAsync(Request(route, "not-a-key-" + Guid.NewGuid()), Ct))
                Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{name} with a wrong key");

            var viewerHasIt = route.Permissions.All(p => p == Permission.MediaRead);
            var managerHasIt = route.Permissions.All(p => p is not (Permission.UsersManage or Permission.SettingsManage));
            foreach (var (key, has, role) in new[] { (_viewerKey, viewerHasIt, "Viewer"), (_managerKey, managerHasIt, "Manager"), (_api.AdminKey, true, "Admin") })
            {
                using var response = await anonymous.SendAsync(Request(route, key), Ct);
                if (has)
                    Assert.That(response.StatusCode, Is.Not.EqualTo(HttpStatusCode.Unauthorized).And.Not.EqualTo(HttpStatusCode.Forbidden), $"{name} as {role}");
                else
                {
                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{name} as {role} ({string.Join(", ", route.Permissions)})");
                    checkedForbidden++;
                }
                var body = await response.Content.ReadAsStringAsync(Ct);
                // This host has no TMDB: a TMDB look-up answers 503 tmdb.unavailable, as the contract says; nothing else may be 5xx.
                var tmdbUnavailable = response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("\"tmdb.unavailable\"", StringComparison.Ordinal);
                Assert.That((int)response.StatusCode < 500 || tmdbUnavailable, $"{name} as {role}: {body}");
            }
        }
        Assert.That(checkedForbidden, Is.GreaterThan(10));
    }

    private async Task<(int, int, int, int, int, int)> RowCounts()
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        return (await db.Set<Library>().CountAsync(Ct), await db.Set<User>().CountAsync(Ct), await db.Set<MediaItem>().CountAsync(Ct),
            await db.Set<MediaFile>().CountAsync(Ct), await db.Set<UnmatchedFile>().CountAsync(Ct), await db.Set<AppSetting>().CountAsync(Ct));
    }

    [Test]
    public async Task Bad_input_is_a_4xx_problem_and_changes_nothing()
    {
        var library = await _admin.CreateLibraryAsync("Secure", "movies", Path.Combine(_root, "lib"), Ct);
        var before = await RowCounts();
        var adminId = (await _admin.GetFromJsonAsync<JsonElement>("/v1/me", Ct)).GetProperty("id").GetGuid();
        var huge = new string('x', 2 * 1024 * 1024);
        var cases = new (string Method, string Url, string? Body)[]
        {
            ("POST", "/v1/libraries", "{"),
            ("POST", "/v1/libraries", "{\"name\": 5, \"kind\": \"movies\"}"),
            ("POST", "/v1/libraries", "{\"name\": \"X\", \"kind\": \"tv\", \"storage\": {\"provider\": \"local\", \"root\": \"/srv/x\"}}"),
            ("POST", "/v1/libraries", "{\"name\": \"X\", \"kind\": \"movies\", \"storage\": {\"provider\": \"local\", \"root\": \"relative/path\"}}"),
            ("POST", "/v1/libraries", "{\"name\": \"X\", \"kind\": \"movies\", \"storage\": {\"provider\": \"ftp\", \"root\": \"/srv/x\"}}"),
            ("POST", "/v1/libraries", $"{{\"name\": \"{huge}\", \"kind\": \"movies\"}}"),
            ("POST", "/v1/libraries", "[1, 2, 3]"),
            ("GET", "/v1/libraries?pageSize=0", null),
            ("GET", "/v1/libraries?pageSize=501", null),
            ("GET", "/v1/libraries?page=-1", null),
            ("GET", "/v1/libraries?page=abc", null),
            ("GET", "/v1/libraries?sortKey=password", null),
            ("GET", "/v1/libraries?sortDirection=sideways", null),
            ("GET", "/v1/media-items?type=book", null),
            ("GET", "/v1/unmatched-files?status=lost", null),
            ("GET", "/v1/media-files?exists=perhaps", null),
            ("GET", "/v1/scans?libraryId=42", null),
            ("POST", $"/v1/libraries/{library}/scan", "{\"path\": \"../\"}"),
            ("POST", $"/v1/libraries/{library}/scan", "{\"path\": \"a/../../b\"}"),
            ("POST", $"/v1/libraries/{library}/scan", "{\"path\": \"/etc\"}"),
            ("POST", $"/v1/libraries/{library}/scan", "{\"path\": \"C:\\\\Windows\"}"),
            ("POST", $"/v1/libraries/{library}/scan", "{\"path\": 7}"),
            ("POST", "/v1/media-items", "{\"type\": \"movie\", \"tmdbId\": true}"),
            ("POST", "/v1/media-items", "{\"type\": \"podcast\", \"tmdbId\": 603}"),
            ("POST", "/v1/users", "{\"username\": [\"a\"]}"),
            ("POST", "/v1/users", "{\"username\": \"short\", \"password\": \"123\"}"),
            ("POST", "/v1/users", "{\"username\": \"x\", \"role\": \"Emperor\"}"),
            ("PUT", $"/v1/users/{adminId}", "{"),
            ("PUT", $"/v1/users/{adminId}", "{\"role\": \"Viewer\"}"),
            ("PUT", $"/v1/users/{adminId}", "{\"disabled\": true}"),
            ("DELETE", $"/v1/users/{adminId}", null),
            ("PUT", "/v1/settings/tmdb.language", "{\"value\": \"english\"}"),
            ("PUT", "/v1/settings/scan.intervalMinutes", "{\"value\": \"ten\"}"),
            ("PUT", "/v1/settings/scan.intervalMinutes", "{\"value\": -5}"),
            ("PUT", "/v1/settings/import.defaultMethod", "{\"value\": \"teleport\"}"),
            ("PUT", "/v1/settings/import.recycleFolder", "{\"value\": \"../../etc\"}"),
            ("PUT", "/v1/settings/no.such.key", "{\"value\": 1}"),
            ("PUT", "/v1/settings/tmdb.language", "{"),
            ("GET", "/v1/parse", null),
            ("POST", "/v1/auth/login", "{\"username\": 1}"),
        };
        foreach (var (method, url, body) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _admin.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var name = $"{method} {url[..Math.Min(url.Length, 60)]} {body?[..Math.Min(body.Length, 60)]}";
            Assert.That((int)response.StatusCode, Is.InRange(400, 499), $"{name}: {text[..Math.Min(text.Length, 300)]}");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), name);
        }
        Assert.That(await RowCounts(), Is.EqualTo(before), "nothing changed in the database");
    }

    [Test]
    public async Task A_request_cannot_reach_outside_its_library_root_even_through_symlinks()
    {
        var root = Path.Combine(_root, "linked");
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(Path.Combine(root, "Movie (2000)"));
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(root, "Movie (2000)", "Movie (2000).mkv"), new byte[10]);
        File.WriteAllBytes(Path.Combine(outside, "Secret (2001).mkv"), new byte[10]);
        File.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "Movie (2000)", "Leak (2002).mkv"), Path.Combine(outside, "Secret (2001).mkv"));
        var library = await _admin.CreateLibraryAsync("Linked", "movies", root, Ct);

        var folder = await _admin.ScanAsync(library, "escape", Ct);
        Assert.That(folder.GetProperty("filesSeen").GetInt32(), Is.Zero, folder.ToString());
        var whole = await _admin.ScanAsync(library, null, Ct);
        Assert.That(whole.GetProperty("filesSeen").GetInt32(), Is.EqualTo(1), "only the file really inside the root");

        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var paths = await db.Set<UnmatchedFile>().Where(u => u.LibraryId == new Media.Domain.Common.LibraryId(library)).Select(u => u.Path)
            .Concat(db.Set<MediaFile>().Where(f => f.LibraryId == new Media.Domain.Common.LibraryId(library)).Select(f => f.Path)).ToListAsync(Ct);
        Assert.That(paths, Is.EqualTo(new[] { "Movie (2000)/Movie (2000).mkv" }));

        var storage = _api.Services.GetRequiredService<Media.Application.Storage.ILibraryStorageFactory>().For(StorageLocation.Local(root));
        Assert.That(await storage.StatAsync("escape/Secret (2001).mkv", Ct), Is.Null, "through a linked folder");
        Assert.That(await storage.StatAsync("Movie (2000)/Leak (2002).mkv", Ct), Is.Null, "a linked file");
        Assert.That(await storage.StatAsync("../outside/Secret (2001).mkv", Ct), Is.Null, "a relative escape");
        Assert.That(await storage.StatAsync("Movie (2000)/Movie (2000).mkv", Ct), Is.Not.Null);
    }
}
