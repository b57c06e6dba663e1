using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Tests.Support;

namespace Media.Tests.Scanning;

/// <summary>The scan schedule (setting scan.intervalMinutes) queues whole-library scans when they are due, and only then.</summary>
public sealed class ScheduleTests
{
    [Test]
    public async Task Libraries_are_scanned_on_schedule()
    {
        var ct = TestContext.CurrentContext.CancellationToken;
        await using var api = await MediaApiFactory.CreateAsync(Provider.Sqlite, settings: new Dictionary<string, string?> { ["Scans:ScheduleCheck"] = "00:00:00.200" });
        using var admin = api.Admin();
        var root = Path.Combine(Path.GetTempPath(), $"media-schedule-{Guid.NewGuid():N}");
        TestFiles.Write(root, "Movie (2000)/Movie (2000).mkv", 10);
        try
        {
            var library = await admin.CreateLibraryAsync("Scheduled", "movies", root, ct);
            await Task.Delay(600, ct);
            Assert.That(await Count(admin, library, ct), Is.Zero, "the schedule is off by default");

            using (var put = await admin.PutAsJsonAsync("/v1/settings/scan.intervalMinutes", new { value = 60 }, ct))
                Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            for (var i = 0; i < 50 && await Count(admin, library, ct) == 0; i++) await Task.Delay(100, ct);
            Assert.That(await Count(admin, library, ct), Is.EqualTo(1), "a library never scanned is due");
            await Task.Delay(800, ct);
            Assert.That(await Count(admin, library, ct), Is.EqualTo(1), "and not again before the interval is over");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<int> Count(HttpClient admin, Guid library, CancellationToken ct) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/v1/scans?libraryId={library}", MediaApiFactory.Json, ct)).GetProperty("totalCount").GetInt32();
}
