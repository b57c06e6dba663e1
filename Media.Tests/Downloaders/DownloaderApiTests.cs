using System.Net;
using System.Net.Http.Json;
using Media.Application.Downloads;
using Media.Domain.Downloads;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Downloaders;

/// <summary>Download-client endpoints against a real transmission-daemon; passwords write-only and encrypted at rest.</summary>
public sealed class DownloaderApiTests
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private TorrentDaemon _daemon = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!TorrentDaemon.Installed(DownloaderKind.Transmission)) Assert.Ignore("transmission-daemon is not installed.");
        _api = await MediaApiFactory.CreateAsync(Provider.Sqlite, settings: new Dictionary<string, string?> { ["Downloads:PollInterval"] = "00:00:00.200" });
        _admin = _api.Admin();
        _daemon = await TorrentDaemon.StartAsync(DownloaderKind.Transmission, _api.Services.GetRequiredService<IDownloadClientFactory>());
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        _admin?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
    }

    [Test]
    public async Task A_downloader_is_tested_against_the_daemon_and_its_password_never_comes_back()
    {
        var body = new Body("Transmission", "transmission", _daemon.Connection.Url.ToString(), "media", "secret", true);
        using var created = await _admin.PostAsJsonAsync("/v1/downloaders", body, Ct);
        var text = await created.Content.ReadAsStringAsync(Ct);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        Assert.That(text, Does.Not.Contain("secret"));
        var json = System.Text.Json.JsonDocument.Parse(text).RootElement;
        var id = json.GetProperty("id").GetGuid();
        Assert.That(json.GetProperty("hasPassword").GetBoolean());

        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<MediaDbContext>().Set<Downloader>().AsNoTracking().SingleAsync(d => d.Id == new Media.Domain.Common.DownloaderId(id), Ct);
            Assert.That(stored.ProtectedPassword, Is.Not.Null.And.Not.Contain("secret"), "encrypted at rest");
        }

        using (var test = await _admin.PostAsync($"/v1/downloaders/{id}/test", null, Ct))
        {
            Assert.That(test.StatusCode, Is.EqualTo(HttpStatusCode.OK), await test.Content.ReadAsStringAsync(Ct));
            Assert.That((await test.JsonAsync()).GetProperty("version").GetString(), Does.StartWith("Transmission"));
        }

        using (var renamed = await _admin.PutAsJsonAsync($"/v1/downloaders/{id}", body with { Name = "Renamed", Password = null }, Ct))
            Assert.That(renamed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no password in the body keeps the stored one");
        using (var still = await _admin.PostAsync($"/v1/downloaders/{id}/test", null, Ct))
            Assert.That(still.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using (var wrong = await _admin.PutAsJsonAsync($"/v1/downloaders/{id}", body with { Name = "Renamed", Password = "wrong" }, Ct))
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using (var refused = await _admin.PostAsync($"/v1/downloaders/{id}/test", null, Ct))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That((await refused.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("downloader.unreachable"));
        }

        var list = await _admin.GetStringAsync("/v1/downloaders", Ct);
        Assert.That(list, Does.Contain("Renamed").And.Not.Contain("secret").And.Not.Contain("wrong"));
        using (var deleted = await _admin.DeleteAsync($"/v1/downloaders/{id}", Ct))
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using (var gone = await _admin.GetAsync($"/v1/downloaders/{id}", Ct))
            Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private sealed record Body(string Name, string Kind, string Url, string Username, string? Password, bool Enabled);

    [TestCase("{\"name\": \"x\", \"kind\": \"utorrent\", \"url\": \"http://127.0.0.1:1/\"}")]
    [TestCase("{\"name\": \"x\", \"kind\": \"transmission\", \"url\": \"not a url\"}")]
    [TestCase("{\"name\": \"x\", \"kind\": \"transmission\", \"url\": \"file:///etc/passwd\"}")]
    [TestCase("{\"kind\": \"transmission\", \"url\": \"http://127.0.0.1:1/\"}")]
    public async Task Bad_downloaders_are_400(string body)
    {
        using var response = await _admin.PostAsync("/v1/downloaders", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_client_that_is_down_is_a_503_and_its_jobs_wait_with_the_error_noted()
    {
        using var created = await _admin.PostAsJsonAsync("/v1/downloaders", new { name = "Down", kind = "qbittorrent", url = "http://127.0.0.1:1/", username = "admin", password = "x" }, Ct);
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        using var test = await _admin.PostAsync($"/v1/downloaders/{id}/test", null, Ct);
        Assert.That(test.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

        // A job whose client went down after it was handed over.
        var library = await _admin.CreateLibraryAsync("Down movies", "movies", Path.Combine(Path.GetTempPath(), $"media-down-{Guid.NewGuid():N}"), Ct);
        DownloadJob job;
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            var item = Media.Domain.MediaItems.MediaItem.Movie(81_000, "Waiting", null, 2000, DateTimeOffset.UtcNow);
            db.Add(item);
            await db.SaveChangesAsync(Ct);
            job = DownloadJob.Queue(item.Id, [], new Media.Domain.Common.LibraryId(library), new Media.Domain.Common.DownloaderId(id),
                "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", DateTimeOffset.UtcNow);
            job.Progressed("0123456789abcdef0123456789abcdef01234567", 0.5, "/downloads", DateTimeOffset.UtcNow);
            db.Add(job);
            await db.SaveChangesAsync(Ct);
        }
        System.Text.Json.JsonElement state = default;
        for (var i = 0; i < 50; i++)
        {
            state = await _admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/download-jobs/{job.Id.Value}", MediaApiFactory.Json, Ct);
            if (state.GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.String) break;
            await Task.Delay(100, Ct);
        }
        Assert.That(state.GetProperty("status").GetString(), Is.EqualTo("downloading"), "the job stays where it is");
        Assert.That(state.GetProperty("error").GetString()!, Does.Contain("cannot be reached"));
    }

    [Test]
    public async Task Default_name_templates_are_seeded_and_bad_templates_and_policies_are_400()
    {
        var templates = await _admin.GetStringAsync("/v1/name-templates", Ct);
        Assert.That(templates, Does.Contain("Movies (Plex/Jellyfin)").And.Contain("{Series Title} ({Year})/Season {Season:00}"));
        using (var bad = await _admin.PostAsJsonAsync("/v1/name-templates", new { name = "Bad", kind = "movie", pattern = "{Title} {Episode}" }, Ct))
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using (var badRule = await _admin.PostAsJsonAsync("/v1/policies", new
               {
                   libraryId = Guid.NewGuid(), name = "x", rules = new[] { new { kind = "min_size", value = "huge" } },
                   actions = new[] { new { kind = "import_method", value = "teleport" } },
               }, Ct))
        {
            Assert.That(badRule.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            var errors = (await badRule.JsonAsync()).GetProperty("errors").ToString();
            Assert.That(errors, Does.Contain("libraryId").And.Contain("rules[0].value").And.Contain("actions[0].value"));
        }
    }
}
