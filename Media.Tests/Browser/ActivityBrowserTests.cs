using System.Net;
using System.Net.Http.Json;
using Media.Application.Downloads;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.Imports;
using Media.Domain.MediaItems;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Media.Tests.Browser;

public sealed class ActivityBrowserTests : BrowserTest
{
    [Test]
    public async Task Activity_ImportHistoryFiltersAndSearchByPath()
    {
        var marker = $"Zq{Guid.NewGuid():N}"[..8];
        var root = Tree("activity", $"{marker} Heat (1995)/Heat (1995).mkv", $"{marker} Alien (1979)/Alien (1979).mkv");
        var library = await LibraryAsync($"Activity {Guid.NewGuid():N}"[..14], "movies", root);
        await ScanAsync(library);
        // A failed attempt, as a failed download import leaves it.
        await DbAsync(async db =>
        {
            db.Add(ImportAttempt.Failure(ImportMethod.Hardlink, "destination_exists", "A different file is already there.",
                $"/downloads/{marker} Heat.mkv", $"{marker} Heat (1995)/Heat (1995).mkv", DateTimeOffset.UtcNow));
            return await db.SaveChangesAsync(Ct);
        });
        await SignInWithKeyAsync();

        await Nav("Activity").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Downloads" })).ToBeVisibleAsync();
        await Page.GetByLabel("Path contains").FillAsync(marker);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var rows = Page.GetByRole(AriaRole.Table, new() { Name = "Imports" }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);

        await Page.GetByLabel("Outcome").SelectOptionAsync("false");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("destination_exists");
        await Expect(rows.First).ToContainTextAsync("A different file is already there.");

        await Page.GetByLabel("Outcome").SelectOptionAsync("");
        await Page.GetByLabel("Method").SelectOptionAsync("scan");
        await Expect(rows).ToHaveCountAsync(2);
        await Page.GetByLabel("Method").SelectOptionAsync("");
        await Page.GetByLabel("Error code").FillAsync("destination_exists");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        var expected = await DbAsync(db => db.Set<ImportAttempt>().CountAsync(i => i.SourcePath.Contains(marker) && i.ErrorCode == "destination_exists", Ct));
        Assert.That(expected, Is.EqualTo(1));
        await AssertAccessibleAsync();
        await ScreenshotAsync("activity");
    }

    [Test]
    public async Task Activity_ADownloadFromTransmissionFailsToImportIsRetriedThenRemoved()
    {
        if (!TorrentDaemon.Installed(DownloaderKind.Transmission)) Assert.Ignore("transmission-daemon is not installed (build.ps1 test installs it as root).");
        var clients = Api.Services.GetRequiredService<IDownloadClientFactory>();
        await using var daemon = await TorrentDaemon.StartAsync(DownloaderKind.Transmission, clients);
        using var admin = Api.Admin();
        Guid downloader;
        using (var created = await admin.PostAsJsonAsync("/v1/downloaders", new
               {
                   name = $"Transmission {Guid.NewGuid():N}"[..22], kind = "transmission", url = daemon.Connection.Url.ToString(),
                   username = daemon.Connection.Username, password = daemon.Connection.Password, enabled = true,
               }, Ct))
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Ct));
            downloader = (await created.JsonAsync()).GetProperty("id").GetGuid();
        }
        var root = Tree("downloads");
        var library = await LibraryAsync($"Downloads {Guid.NewGuid():N}"[..18], "movies", root);
        var tmdbId = Random.Shared.Next(800_000, 900_000);
        var movie = MediaItem.Movie(tmdbId, "Blocked Reel", null, 2004, DateTimeOffset.UtcNow);
        await DbAsync(async db => { db.Add(movie); return await db.SaveChangesAsync(Ct); });

        // Another file already holds the movie's place: the import must fail, and change nothing.
        var blocker = Path.Combine(root, "Blocked Reel (2004)", "Blocked Reel (2004).mkv");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllBytesAsync(blocker, [1, 2, 3], Ct);
        var release = Path.Combine(daemon.DataDirectory, "Blocked.Reel.2004.1080p.BluRay-GRP");
        Directory.CreateDirectory(release);
        var payload = new byte[120_000];
        Random.Shared.NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(release, "blocked.reel.2004.1080p.mkv"), payload, Ct);
        Guid job;
        using (var created = await admin.PostAsJsonAsync("/v1/download-jobs", new
               {
                   mediaItemId = movie.Id.Value, downloaderId = downloader, libraryId = library,
                   torrent = Convert.ToBase64String(await TorrentDaemon.MakeTorrentAsync(release)),
               }, Ct))
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Ct));
            job = (await created.JsonAsync()).GetProperty("id").GetGuid();
        }

        await SignInWithKeyAsync();
        await Nav("Activity").ClickAsync();
        var downloads = Page.GetByRole(AriaRole.Table, new() { Name = "Download jobs" });
        var row = downloads.Locator("tbody tr").Filter(new() { HasText = "Blocked.Reel.2004.1080p.BluRay-GRP" });
        // Transmission verifies the local data, the monitor sees it complete and tries the import; the page follows the
        // job by itself while it is under way.
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("failed", new() { Timeout = 60_000 });
        await Expect(row).ToContainTextAsync("already exists");
        await Expect(row.GetByRole(AriaRole.Progressbar)).ToHaveAttributeAsync("value", "1");
        Assert.That(File.ReadAllBytes(blocker), Is.EqualTo(new byte[] { 1, 2, 3 }), "the other file is not overwritten");
        await AssertAccessibleAsync();
        await ScreenshotAsync("activity-download-failed");

        File.Delete(blocker);
        await row.GetByRole(AriaRole.Button, new() { Name = "Retry import" }).ClickAsync();
        await Expect(row).ToContainTextAsync("imported");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Retry import" })).ToHaveCountAsync(0);
        var stored = await DbAsync(db => db.Set<DownloadJob>().AsNoTracking().SingleAsync(j => j.Id == new DownloadJobId(job), Ct));
        Assert.That(stored.Status, Is.EqualTo(DownloadStatus.Imported));
        Assert.That(TestFiles.Inode(blocker), Is.EqualTo(TestFiles.Inode(Path.Combine(release, "blocked.reel.2004.1080p.mkv"))), "imported as a hardlink");
        var attempts = await DbAsync(db => db.Set<ImportAttempt>().AsNoTracking().Where(a => a.DownloadJobId == new DownloadJobId(job)).ToListAsync(Ct));
        Assert.That(attempts.Select(a => a.Succeeded).Order(), Is.EqualTo(new[] { false, true }), "the failed attempt and the retry, both in the history");

        var hash = stored.ClientReference!;
        Assert.That(await clients.For(daemon.Connection).GetAsync(hash, Ct), Is.Not.Null, "the torrent is in Transmission");
        await row.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync(); // the confirm() is accepted
        await Expect(row).ToHaveCountAsync(0);
        Assert.That(await DbAsync(db => db.Set<DownloadJob>().AnyAsync(j => j.Id == new DownloadJobId(job), Ct)), Is.False, "the job is gone");
        Assert.That(await clients.For(daemon.Connection).GetAsync(hash, Ct), Is.Null, "the torrent is gone from Transmission");
        Assert.That(File.Exists(Path.Combine(release, "blocked.reel.2004.1080p.mkv")), "its data stays");
        using var remove = await admin.DeleteAsync($"/v1/downloaders/{downloader}", Ct);
    }
}
