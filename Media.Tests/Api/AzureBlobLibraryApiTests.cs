using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Application.Downloads;
using Media.Domain.Libraries;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>An azure-blob library through the API: the connection string is write-only and encrypted at rest.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class AzureBlobLibraryApiTests(Provider provider)
{
    private const string Secret = "DefaultEndpointsProtocol=https;AccountName=mediaacct;AccountKey=c2VjcmV0LWtleS1vZi10aGUtYWNjb3VudA==;EndpointSuffix=core.windows.net";
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

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

    private static string Container() => $"media-{Guid.NewGuid():N}"[..20];

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, object body)
    {
        using var response = await _admin.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<string?> StoredSecretAsync(Guid id)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var library = await scope.ServiceProvider.GetRequiredService<MediaDbContext>().Set<Library>().AsNoTracking().SingleAsync(l => l.Id == new Media.Domain.Common.LibraryId(id), Ct);
        return library.Storage.ProtectedConnectionString;
    }

    [Test]
    public async Task Create_ShowsProviderRootAndHasConnectionString_NeverTheSecret_AndStoresItEncrypted()
    {
        var root = $"{Container()}/Movies";
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/libraries",
            new { name = "Cloud", kind = "movies", storage = new { provider = "azure-blob", root = root + "/", connectionString = Secret } });

        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        var storage = JsonDocument.Parse(body).RootElement.GetProperty("storage");
        Assert.That((storage.GetProperty("provider").GetString(), storage.GetProperty("root").GetString(), storage.GetProperty("hasConnectionString").GetBoolean()),
            Is.EqualTo(("azure-blob", root, true)));
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        var read = await _admin.GetStringAsync($"/v1/libraries/{id}", Ct);
        var list = await _admin.GetStringAsync("/v1/libraries?pageSize=500", Ct);
        foreach (var shown in new[] { body, read, list })
        {
            Assert.That(shown, Does.Not.Contain("c2VjcmV0"), "the key never leaves the API");
            Assert.That(shown, Does.Not.Contain("connectionString\""));
        }

        var stored = await StoredSecretAsync(id);
        Assert.That(stored, Is.Not.Null.And.Not.Contain("c2VjcmV0").And.Not.Contain("AccountName"), "encrypted at rest");
        Assert.That(_api.Services.GetRequiredService<ISecretProtector>().Unprotect(stored!), Is.EqualTo(Secret));
    }

    [Test]
    public async Task Replace_WithoutConnectionString_KeepsTheStoredOne_AndMovingToLocalDropsIt()
    {
        var root = Container();
        var (_, created) = await SendAsync(HttpMethod.Post, "/v1/libraries",
            new { name = "Cloud", kind = "movies", storage = new { provider = "azure-blob", root, connectionString = Secret } });
        var id = JsonDocument.Parse(created).RootElement.GetProperty("id").GetGuid();
        var before = await StoredSecretAsync(id);

        var (renamed, body) = await SendAsync(HttpMethod.Put, $"/v1/libraries/{id}", new { name = "Cloud 2", kind = "movies", storage = new { provider = "azure-blob", root } });
        Assert.That(renamed, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("storage").GetProperty("hasConnectionString").GetBoolean());
        Assert.That(await StoredSecretAsync(id), Is.EqualTo(before));

        var local = $"/srv/{Guid.NewGuid():N}";
        var (moved, movedBody) = await SendAsync(HttpMethod.Put, $"/v1/libraries/{id}", new { name = "Cloud 2", kind = "movies", storage = new { provider = "local", root = local } });
        Assert.That(moved, Is.EqualTo(HttpStatusCode.OK), movedBody);
        Assert.That(JsonDocument.Parse(movedBody).RootElement.GetProperty("storage").GetProperty("hasConnectionString").GetBoolean(), Is.False);
        Assert.That(await StoredSecretAsync(id), Is.Null);
    }

    [TestCase("media-ok", null, "storage.connectionString")]
    [TestCase("media-ok", "not a connection string", "storage.connectionString")]
    [TestCase("media-ok", "AccountName=a;AccountKey=%%%", "storage.connectionString")]
    [TestCase("Media_Bad", Secret, "storage.root")]
    [TestCase("media-ok/a/../b", Secret, "storage.root")]
    public async Task Create_Incomplete_OrMalformed_Is400WithTheField(string root, string? connectionString, string field)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/libraries",
            new { name = "Cloud", kind = "movies", storage = new { provider = "azure-blob", root, connectionString } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain(field));
        Assert.That(body, Does.Not.Contain("c2VjcmV0"));
    }

    [Test]
    public async Task Create_LocalWithAConnectionString_Is400()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/libraries",
            new { name = "Disk", kind = "movies", storage = new { provider = "local", root = $"/srv/{Guid.NewGuid():N}", connectionString = Secret } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(body, Does.Contain("storage.connectionString"));
    }

    [Test]
    public async Task Create_Local_ShowsNoConnectionString()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/libraries",
            new { name = "Disk", kind = "movies", storage = new { provider = "local", root = $"/srv/{Guid.NewGuid():N}" } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("storage").GetProperty("hasConnectionString").GetBoolean(), Is.False);
    }
}
