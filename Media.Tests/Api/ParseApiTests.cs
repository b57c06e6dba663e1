using System.Net;
using Media.Tests.Support;

namespace Media.Tests.Api;

public sealed class ParseApiTests
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        _admin = _api.Admin();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    [Test]
    public async Task Parses_a_name_with_folders()
    {
        var name = Uri.EscapeDataString("Shows/Severance {tmdb-95396}/Season 02/Severance.S02E03E04.2160p.WEB.h265-GRP.mkv");
        using var response = await _admin.GetAsync($"/v1/parse?name={name}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("kind").GetString(), Is.EqualTo("episode"));
            Assert.That(body.GetProperty("title").GetString(), Is.EqualTo("Severance"));
            Assert.That(body.GetProperty("season").GetInt32(), Is.EqualTo(2));
            Assert.That(body.GetProperty("episodes").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 3, 4 }));
            Assert.That(body.GetProperty("tmdbId").GetInt32(), Is.EqualTo(95396));
            Assert.That(body.GetProperty("resolution").GetString(), Is.EqualTo("2160p"));
            Assert.That(body.GetProperty("year").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        });
    }

    [Test]
    public async Task A_missing_name_is_a_400_problem()
    {
        using var response = await _admin.GetAsync("/v1/parse");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Needs_a_key()
    {
        using var client = _api.ClientWithKey(null);
        Assert.That((await client.GetAsync("/v1/parse?name=x")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
