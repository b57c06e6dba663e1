using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Libraries;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Identity;

/// <summary>A library's watch switch and its scheduled verification, as GET /v1/libraries/{id} shows them and the database holds them.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class LibraryVerificationApiTests(Provider provider)
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _root = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(provider);
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-verify-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<JsonElement> GetAsync(Guid id) => await _admin.GetFromJsonAsync<JsonElement>($"/v1/libraries/{id}", MediaApiFactory.Json, Ct);

    private async Task<bool> StoredWatchAsync(Guid id)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        return (await db.Set<Library>().AsNoTracking().SingleAsync(l => l.Id == new Media.Domain.Common.LibraryId(id), Ct)).Watch;
    }

    [Test]
    public async Task Watch_IsOnByDefault_CanBeTurnedOff_AndAPutWithoutItKeepsIt()
    {
        var root = Path.Combine(_root, "watch");
        Directory.CreateDirectory(root);
        using var created = await _admin.PostAsJsonAsync("/v1/libraries",
            new { name = "Unwatched", kind = "movies", watch = false, storage = new { provider = "local", root } }, Ct);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        Assert.That((await GetAsync(id)).GetProperty("watch").GetBoolean(), Is.False);
        Assert.That(await StoredWatchAsync(id), Is.False);

        using (var put = await _admin.PutAsJsonAsync($"/v1/libraries/{id}", new { name = "Renamed", kind = "movies", storage = new { provider = "local", root } }, Ct))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StoredWatchAsync(id), Is.False, "left out: unchanged");
        using (var put = await _admin.PutAsJsonAsync($"/v1/libraries/{id}", new { name = "Renamed", kind = "movies", watch = true, storage = new { provider = "local", root } }, Ct))
            Assert.That((await put.JsonAsync()).GetProperty("watch").GetBoolean(), Is.True);
        Assert.That(await StoredWatchAsync(id), Is.True);

        var other = await _admin.CreateLibraryAsync("Watched", "series", Path.Combine(_root, "watched"), Ct);
        Assert.That(await StoredWatchAsync(other), Is.True, "on by default");
    }

    [Test]
    public async Task Verification_ShowsTheLastCompleteScan_AndWhenTheScheduleStartsTheNext()
    {
        var root = Path.Combine(_root, "verify");
        Directory.CreateDirectory(Path.Combine(root, "Heat (1995)"));
        await File.WriteAllBytesAsync(Path.Combine(root, "Heat (1995)", "Heat (1995).mkv"), new byte[16], Ct);
        var id = await _admin.CreateLibraryAsync("Verified", "movies", root, Ct);

        var fresh = (await GetAsync(id)).GetProperty("verification");
        Assert.That(fresh.GetProperty("lastCompletedAt").ValueKind, Is.EqualTo(JsonValueKind.Null), "never verified");
        Assert.That(fresh.GetProperty("nextDueAt").ValueKind, Is.EqualTo(JsonValueKind.Null), "the schedule is off");

        var scan = await _admin.ScanAsync(id, null, Ct);
        await _admin.ScanAsync(id, "Heat (1995)", Ct); // a folder scan is not a complete verification
        using (var put = await _admin.PutAsJsonAsync("/v1/settings/scan.intervalMinutes", new { value = 60 }, Ct))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        try
        {
            var verification = (await GetAsync(id)).GetProperty("verification");
            Assert.That(verification.GetProperty("lastScanId").GetGuid(), Is.EqualTo(scan.GetProperty("id").GetGuid()));
            Assert.That(verification.GetProperty("lastCompletedAt").GetDateTimeOffset(), Is.EqualTo(scan.GetProperty("finishedAt").GetDateTimeOffset()));
            Assert.That(verification.GetProperty("nextDueAt").GetDateTimeOffset(), Is.EqualTo(scan.GetProperty("queuedAt").GetDateTimeOffset().AddMinutes(60)));
            Assert.That(verification.GetProperty("intervalMinutes").GetInt32(), Is.EqualTo(60));
        }
        finally
        {
            using var off = await _admin.PutAsJsonAsync("/v1/settings/scan.intervalMinutes", new { value = 0 }, Ct);
        }
    }
}
