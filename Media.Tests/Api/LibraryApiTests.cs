using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Media.Application.Common;
using Media.Application.Libraries;
using Media.Domain.Libraries;
using Media.Domain.Users;
using Media.Tests.Support;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class LibraryApiTests(Provider provider)
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(provider);
        _admin = _api.Admin();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    private static object ALibrary(string? root = null, string kind = "movies", string name = "Movies") =>
        new { name, kind, storage = new { provider = "local", root = root ?? $"/srv/media/{Guid.NewGuid():N}" } };

    private async Task<JsonElement> Create(object body)
    {
        using var response = await _admin.PostAsJsonAsync("/v1/libraries", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(problem.TryGetProperty("title", out _));
        Assert.That(body, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task Health_LiveAndReady()
    {
        using var client = _api.CreateClient();
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task OpenApiDocument_ListsTheLibraryRoutes_AndTheApiKeyScheme()
    {
        using var client = _api.CreateClient();
        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.That(document, Does.Contain("/v1/libraries/{id}").And.Contain("X-Api-Key"));
        Assert.That((await client.GetAsync("/scalar/v1")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task WithoutKey_Is401Problem()
    {
        using var client = _api.ClientWithKey(null);
        await AssertProblem(await client.GetAsync("/v1/libraries"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task WrongKey_Is401Problem()
    {
        using var client = _api.ClientWithKey("not-a-key");
        await AssertProblem(await client.GetAsync("/v1/libraries"), HttpStatusCode.Unauthorized);
    }

    private Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> Snapshot() => DatabaseSnapshot.TakeAsync(_api.Services, CancellationToken.None);

    private async Task AssertUnchanged(IReadOnlyDictionary<string, IReadOnlyList<string>> before) =>
        Assert.That(DatabaseSnapshot.Differences(before, await Snapshot()), Is.Empty, "nothing changed in the database");

    [Test]
    public async Task Viewer_CanRead_ButNotCreate()
    {
        using var viewer = _api.ClientWithKey(await _api.UserWithRoleAsync(Role.ViewerId));
        Assert.That((await viewer.GetAsync("/v1/libraries")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var before = await Snapshot();
        await AssertProblem(await viewer.PostAsJsonAsync("/v1/libraries", ALibrary()), HttpStatusCode.Forbidden);
        await AssertUnchanged(before);
    }

    [TestCase("{0}//")]
    [TestCase("{0}/")]
    [TestCase("{0}/.")]
    [TestCase("{0}/./")]
    [TestCase("{0}/././/")]
    public async Task Create_SameRootSpelledDifferently_Is409_AndChangesNothing(string spelling)
    {
        var root = $"/srv/media/{Guid.NewGuid():N}";
        await Create(ALibrary(root));
        var before = await Snapshot();
        using var response = await _admin.PostAsJsonAsync("/v1/libraries", ALibrary(string.Format(System.Globalization.CultureInfo.InvariantCulture, spelling, root), "series"));
        await AssertProblem(response, HttpStatusCode.Conflict);
        Assert.That((await response.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("library.duplicate_root"));
        await AssertUnchanged(before);
    }

    [TestCase("{0}/4k")]
    [TestCase("{0}//4k/")]
    [TestCase("{0}/..parent-looking")]
    public async Task Create_RootInsideAnotherLibrarysRoot_Is409_AndChangesNothing(string inside)
    {
        var root = $"/srv/media/{Guid.NewGuid():N}";
        await Create(ALibrary(root));
        var before = await Snapshot();
        using var response = await _admin.PostAsJsonAsync("/v1/libraries", ALibrary(string.Format(System.Globalization.CultureInfo.InvariantCulture, inside, root)));
        await AssertProblem(response, HttpStatusCode.Conflict);
        Assert.That((await response.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("library.nested_root"));
        await AssertUnchanged(before);
    }

    [Test]
    public async Task Create_RootHoldingAnotherLibrarysRoot_Is409_AndASiblingIsFine()
    {
        var parent = $"/srv/nest/{Guid.NewGuid():N}";
        await Create(ALibrary($"{parent}/movies"));
        var before = await Snapshot();
        using (var holding = await _admin.PostAsJsonAsync("/v1/libraries", ALibrary(parent + "/")))
        {
            await AssertProblem(holding, HttpStatusCode.Conflict);
            Assert.That((await holding.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("library.nested_root"));
        }
        await AssertUnchanged(before);
        var sibling = await Create(ALibrary($"{parent}/movies-4k//"));
        Assert.That(sibling.GetProperty("storage").GetProperty("root").GetString(), Is.EqualTo($"{parent}/movies-4k"), "stored normalised");
    }

    [Test]
    public async Task Create_Get_Update_Delete()
    {
        var root = $"/srv/media/{Guid.NewGuid():N}";
        using var created = await _admin.PostAsJsonAsync("/v1/libraries", ALibrary(root + "/", "series", "Shows"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var library = await created.JsonAsync();
        var id = library.GetProperty("id").GetGuid();
        Assert.Multiple(() =>
        {
            Assert.That(created.Headers.Location?.ToString(), Does.EndWith($"/v1/libraries/{id}"));
            Assert.That(library.GetProperty("kind").GetString(), Is.EqualTo("series"));
            Assert.That(library.GetProperty("storage").GetProperty("root").GetString(), Is.EqualTo(root));
            Assert.That(library.GetProperty("storage").GetProperty("provider").GetString(), Is.EqualTo("local"));
        });

        var read = await (await _admin.GetAsync($"/v1/libraries/{id}")).JsonAsync();
        Assert.That(read.GetProperty("name").GetString(), Is.EqualTo("Shows"));

        using var updated = await _admin.PutAsJsonAsync($"/v1/libraries/{id}", ALibrary(root, "series", "TV"));
        Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await updated.JsonAsync()).GetProperty("name").GetString(), Is.EqualTo("TV"));

        Assert.That((await _admin.DeleteAsync($"/v1/libraries/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await AssertProblem(await _admin.GetAsync($"/v1/libraries/{id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task List_IsPagedAndOrdered()
    {
        var prefix = Guid.NewGuid().ToString("N")[..6];
        foreach (var name in new[] { "b", "a", "c" }) await Create(ALibrary(name: $"{prefix}-{name}"));
        var page = await (await _admin.GetAsync("/v1/libraries?page=1&pageSize=500&sortKey=name&sortDirection=desc")).JsonAsync();
        var names = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.That(names, Is.EqualTo(new[] { $"{prefix}-c", $"{prefix}-b", $"{prefix}-a" }));
        Assert.That(page.GetProperty("pageSize").GetInt32(), Is.EqualTo(500));
        Assert.That(page.GetProperty("totalCount").GetInt32(), Is.GreaterThanOrEqualTo(3));

        var second = await (await _admin.GetAsync("/v1/libraries?page=2&pageSize=1")).JsonAsync();
        Assert.That(second.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        Assert.That(second.GetProperty("page").GetInt32(), Is.EqualTo(2));
    }

    [TestCase("pageSize=0", "pageSize")]
    [TestCase("pageSize=501", "pageSize")]
    [TestCase("page=0", "page")]
    [TestCase("sortKey=nope", "sortKey")]
    [TestCase("sortDirection=up", "sortDirection")]
    public async Task List_BadPaging_Is400WithFieldError(string query, string field)
    {
        using var response = await _admin.GetAsync($"/v1/libraries?{query}");
        await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.That((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), Is.True);
    }

    [Test]
    public async Task List_NonNumericPage_Is400()
    {
        await AssertProblem(await _admin.GetAsync("/v1/libraries?page=abc"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Create_Invalid_Is400WithEveryFieldError_AndCreatesNothing()
    {
        var before = await Snapshot();
        using var response = await _admin.PostAsJsonAsync("/v1/libraries", new { name = "", kind = "films", storage = new { provider = "local", root = "relative/dir" } });
        await AssertProblem(response, HttpStatusCode.BadRequest);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "name", "kind", "storage.root" }));
        await AssertUnchanged(before);
    }

    [Test]
    public async Task Create_WithoutStorage_Is400()
    {
        using var response = await _admin.PostAsJsonAsync("/v1/libraries", new { name = "X", kind = "movies" });
        await AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [TestCase("{\"name\": 5")]
    [TestCase("{\"name\": [1,2], \"kind\": \"movies\"}")]
    [TestCase("not json")]
    [TestCase("")]
    public async Task Create_MalformedBody_Is400Problem(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        await AssertProblem(await _admin.PostAsync("/v1/libraries", content), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Create_SameRootTwice_Is409()
    {
        var root = $"/srv/media/{Guid.NewGuid():N}";
        await Create(ALibrary(root));
        var before = await Snapshot();
        using var response = await _admin.PostAsJsonAsync("/v1/libraries", ALibrary(root + "/", "series"));
        await AssertProblem(response, HttpStatusCode.Conflict);
        Assert.That((await response.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("library.duplicate_root"));
        await AssertUnchanged(before);
    }

    [Test]
    public async Task Update_ToAnotherLibrarysRoot_Is409()
    {
        var taken = $"/srv/media/{Guid.NewGuid():N}";
        await Create(ALibrary(taken));
        var other = await Create(ALibrary());
        var before = await Snapshot();
        using var response = await _admin.PutAsJsonAsync($"/v1/libraries/{other.GetProperty("id").GetGuid()}", ALibrary(taken + "//"));
        await AssertProblem(response, HttpStatusCode.Conflict);
        await AssertUnchanged(before);
    }

    [Test]
    public async Task UnknownId_Is404_ForGetPutDelete()
    {
        var id = Guid.NewGuid();
        await AssertProblem(await _admin.GetAsync($"/v1/libraries/{id}"), HttpStatusCode.NotFound);
        await AssertProblem(await _admin.PutAsJsonAsync($"/v1/libraries/{id}", ALibrary()), HttpStatusCode.NotFound);
        await AssertProblem(await _admin.DeleteAsync($"/v1/libraries/{id}"), HttpStatusCode.NotFound);
        await AssertProblem(await _admin.GetAsync("/v1/libraries/not-a-guid"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task UnhandledException_Is500Problem_WithoutDetails()
    {
        var broken = Substitute.For<ILibraryRepository>();
        broken.ListAsync(Arg.Any<Ardalis.Specification.ISpecification<Library>>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new InvalidOperationException("secret internals"));
        await using var api = await MediaApiFactory.CreateAsync(provider, s => s.AddScoped(_ => broken));
        using var client = api.Admin();
        using var response = await client.GetAsync("/v1/libraries");
        await AssertProblem(response, HttpStatusCode.InternalServerError);
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("secret internals"));
    }
}
