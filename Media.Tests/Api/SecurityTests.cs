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
        // PostgreSQL: the stricter of the two databases (it refuses a NUL in text, where SQLite stores it).
        _api = await MediaApiFactory.CreateAsync(Provider.Postgres);
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

    [Test]
    public async Task Bad_input_is_a_4xx_problem_and_changes_nothing()
    {
        var library = await _admin.CreateLibraryAsync("Secure", "movies", Path.Combine(_root, "lib"), Ct);
        var before = await DatabaseSnapshot.TakeAsync(_api.Services, Ct);
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
            // A NUL that used to reach PostgreSQL (which refuses it: a 500).
            ("GET", "/v1/media-items?q=%00", null),
            ("POST", "/v1/auth/login", "{\"username\": \"ad\\u0000min\", \"password\": \"a-long-password\"}"),
            ("POST", "/v1/libraries", "{\"name\": \"N\\u0000\", \"kind\": \"movies\", \"storage\": {\"provider\": \"local\", \"root\": \"/srv/nul\"}}"),
            ("POST", "/v1/libraries", "{\"name\": \"N\", \"kind\": \"movies\", \"storage\": {\"provider\": \"local\", \"root\": \"/srv/n\\u0000l\"}}"),
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
        Assert.That(DatabaseSnapshot.Differences(before, await DatabaseSnapshot.TakeAsync(_api.Services, Ct)), Is.Empty, "nothing changed in the database");
    }

    /// <summary>An operation of the OpenAPI document: where its parameters go and which body properties it reads.</summary>
    private sealed record Operation(string Method, string Template, IReadOnlyList<string> Query, IReadOnlyList<(string Name, string Type)> Body);

    private async Task<List<Operation>> OperationsAsync()
    {
        using var client = _api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var schemas = document.GetProperty("components").GetProperty("schemas");
        JsonElement Resolve(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var reference) ? Resolve(schemas.GetProperty(reference.GetString()!.Split('/')[^1])) : schema;
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        foreach (var operation in path.Value.EnumerateObject())
        {
            var query = operation.Value.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                : [];
            var body = new List<(string, string)>();
            if (operation.Value.TryGetProperty("requestBody", out var requestBody)
                && requestBody.GetProperty("content").TryGetProperty("application/json", out var json)
                && Resolve(json.GetProperty("schema")) is var schema && schema.TryGetProperty("properties", out var properties))
                foreach (var property in properties.EnumerateObject())
                {
                    var resolved = Resolve(property.Value);
                    // "type": "integer" or, for a nullable property, ["null", "integer"]; a nullable string has an empty schema.
                    var type = !resolved.TryGetProperty("type", out var t) ? "string"
                        : t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).First(x => x != "null")!
                        : t.GetString()!;
                    body.Add((property.Name, type));
                }
            operations.Add(new Operation(operation.Name.ToUpperInvariant(), path.Name, query, body));
        }
        return operations;
    }

    // Hostile values: control characters, huge and non-numbers, wrong types, long text, invalid UTF-8 (percent-encoded).
    private static readonly string[] HostileQueryValues =
    [
        "%00", "a%00b", "%01%1F%7F", "99999999999999999999999", "-2147483649", "1e309", "NaN", "-0", "%C3%28", "%FF%FE",
        "%E2%80%AE", "[]", "{}", "true", "%27%20OR%201%3D1%20--", new string('x', 4000),
    ];

    // A NUL in the path never reaches the app: Kestrel refuses it (400) while decoding the request line, as TestHost does.
    private static readonly string[] HostilePathValues = ["%01", "99999999999999999999999", "-1", "%C3%28", "..%2F..%2Fetc", new string('9', 500)];

    /// <summary>Values that are wrong for a property of <paramref name="type"/>: none of them may be accepted.</summary>
    private static IEnumerable<string> HostileJsonValues(string type) =>
    [
        "\"a\u0000b\"", "\"\u0001\u001f\u007f\"", "\"\ud800\"", "\"x\ufffd\"", "1e309", "-1e309", "99999999999999999999999999", "-9223372036854775809",
        type is "number" ? "\"1.5\"" : "1.5", type is "boolean" ? "\"true\"" : "true", type is "array" ? "[{}, \"\u0000\"]" : "[]", "{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        type is "string" ? "12" : "\"12\"",
    ];

    private static IEnumerable<byte[]> HostileBodies(IReadOnlyList<(string Name, string Type)> properties)
    {
        yield return [0];
        yield return Encoding.UTF8.GetBytes("\u0000");
        yield return Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000));
        yield return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000));
        yield return [(byte)'{', (byte)'"', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];
        yield return [0xEF, 0xBB, 0xBF, 0xFF, 0xFE];
        yield return Encoding.UTF8.GetBytes("\"just a string\"");
        yield return Encoding.UTF8.GetBytes("12345678901234567890");
        foreach (var (name, type) in properties)
        {
            foreach (var value in HostileJsonValues(type)) yield return Encoding.UTF8.GetBytes($"{{\"{name}\": {value}}}");
            // Invalid UTF-8 inside a property's string value.
            yield return [.. Encoding.UTF8.GetBytes($"{{\"{name}\": \""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")];
        }
    }

    [Test]
    public async Task Fuzzing_every_operation_never_answers_5xx_and_changes_nothing()
    {
        // Real rows for the ids in paths, so that bodies reach the checks behind "is there such a thing".
        var root = Path.Combine(_root, "fuzz");
        var ids = new Dictionary<string, Guid>
        {
            ["libraries"] = await _admin.CreateLibraryAsync("Fuzz", "movies", root, Ct),
            ["users"] = (await Created(await _admin.PostAsJsonAsync("/v1/users", new { username = "fuzzed", password = "a-long-password", role = "Viewer" }, Ct))),
            ["downloaders"] = await Created(await _admin.PostAsJsonAsync("/v1/downloaders", new { name = "Fuzz", kind = "transmission", url = "http://127.0.0.1:1/", enabled = true }, Ct)),
            ["name-templates"] = await Created(await _admin.PostAsJsonAsync("/v1/name-templates", new { name = "Fuzz", kind = "movie", pattern = "{Title} ({Year})" }, Ct)),
        };
        ids["policies"] = await Created(await _admin.PostAsJsonAsync("/v1/policies", new { libraryId = ids["libraries"], name = "Fuzz", rules = Array.Empty<object>(), actions = Array.Empty<object>() }, Ct));

        var operations = await OperationsAsync();
        Assert.That(operations, Has.Count.GreaterThan(40));
        var failures = new List<string>();
        var requests = 0;
        foreach (var operation in operations)
        {
            var before = await DatabaseSnapshot.TakeAsync(_api.Services, Ct);
            var resource = operation.Template.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault() ?? "";
            var realId = ids.TryGetValue(resource, out var id) ? id : Guid.NewGuid();
            string Url(string idValue, string? query = null) =>
                operation.Template.Replace("{id}", idValue, StringComparison.Ordinal).Replace("{key}", idValue == realId.ToString() ? "tmdb.language" : idValue, StringComparison.Ordinal) + query;

            var sends = new List<(string Url, byte[]? Body)>();
            // Path: hostile ids and keys (a DELETE or an action never gets a real id: it would be a valid request).
            if (operation.Template.Contains('{', StringComparison.Ordinal))
                sends.AddRange(HostilePathValues.Select(v => (Url(v), (byte[]?)null)));
            // Query: each parameter in turn.
            foreach (var name in operation.Query)
                sends.AddRange(HostileQueryValues.Select(v => (Url(Guid.NewGuid().ToString(), $"?{name}={v}"), (byte[]?)null)));
            // Body: hostile documents and hostile values per property, to a real id.
            if (operation.Method is "POST" or "PUT" && operation.Body.Count > 0)
                sends.AddRange(HostileBodies(operation.Body).Select(b => (Url(realId.ToString()), (byte[]?)b)));

            foreach (var (url, body) in sends)
            {
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
                if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
                using var response = await _admin.SendAsync(request, Ct);
                requests++;
                var status = (int)response.StatusCode;
                var shown = $"{operation.Method} {url[..Math.Min(url.Length, 80)]} {(body is null ? "" : Encoding.UTF8.GetString(body[..Math.Min(body.Length, 80)]))}";
                if (status >= 400 && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.TryGetProperty("code", out var code)
                    // A URL that matches no route (a route value of the wrong shape) is no operation's answer: route.not_found.
                    && code.GetString() != "route.not_found"
                    && !ErrorCodes.Of($"{operation.Method} {operation.Template}").Contains(code.GetString()!))
                    failures.Add($"{status} with code '{code}' not listed for the operation: {shown}");
                if (status >= 500) failures.Add($"{status} {shown}: {(await response.Content.ReadAsStringAsync(Ct))[..Math.Min(200, (int)(response.Content.Headers.ContentLength ?? 200))]}");
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json") failures.Add($"{status} without problem details: {shown}");
            }
            var changed = DatabaseSnapshot.Differences(before, await DatabaseSnapshot.TakeAsync(_api.Services, Ct));
            if (changed.Count > 0) failures.Add($"{operation.Method} {operation.Template} changed {string.Join("; ", changed)}");
        }
        TestContext.Out.WriteLine($"{requests} hostile requests over {operations.Count} operations.");
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(60)));
    }

    private static async Task<Guid> Created(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync(Ct));
            return (await response.JsonAsync()).GetProperty("id").GetGuid();
        }
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
