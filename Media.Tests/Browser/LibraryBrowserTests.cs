using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.Scans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Media.Tests.Browser;

public sealed class LibraryBrowserTests : BrowserTest
{
    [Test]
    public async Task Libraries_CreateScanEditDelete_AsTheDatabaseSees()
    {
        var root = Tree("films", "The Matrix (1999)/The Matrix (1999).mkv", "Heat (1995)/Heat (1995).mkv", "Obscure Reel (2001)/Obscure Reel (2001).mkv");
        var name = $"Films {Guid.NewGuid():N}"[..12];
        await SignInWithKeyAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Add library" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Add a library" });
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByLabel("Holds").SelectOptionAsync("movies");
        await dialog.GetByLabel("Root folder").FillAsync("relative/path");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToBeVisibleAsync(); // the API's problem, beside the form
        await Expect(dialog.GetByLabel("Name")).ToHaveValueAsync(name);   // and nothing typed was lost
        await dialog.GetByLabel("Root folder").FillAsync(root);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        var row = Page.GetByRole(AriaRole.Row, new() { Name = name });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("never");
        var library = await DbAsync(db => db.Set<Library>().AsNoTracking().SingleAsync(l => l.Name == name, Ct));
        Assert.That((library.Kind, library.Storage.Root), Is.EqualTo((LibraryKind.Movies, root)));

        await row.GetByRole(AriaRole.Button, new() { Name = "Scan now" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"Scan of {name}" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".title-row .status")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });

        await Nav("Libraries").ClickAsync();
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("2");   // files
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("0");   // missing
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("1");   // unmatched
        await Expect(row).ToContainTextAsync("completed");
        Assert.That(await DbAsync(db => db.Set<MediaFile>().CountAsync(f => f.LibraryId == library.Id, Ct)), Is.EqualTo(2));
        await AssertAccessibleAsync();
        await ScreenshotAsync("libraries");

        await row.GetByRole(AriaRole.Button, new() { Name = "Scan folder…" }).ClickAsync();
        var folder = Page.GetByRole(AriaRole.Dialog, new() { Name = $"Scan a folder of {name}" });
        await folder.GetByLabel("Folder").FillAsync("Heat (1995)");
        await folder.GetByRole(AriaRole.Button, new() { Name = "Scan folder" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"Scan of {name} · Heat (1995)" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".title-row .status")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        Assert.That(await DbAsync(db => db.Set<Scan>().CountAsync(s => s.LibraryId == library.Id && s.Folder == "Heat (1995)", Ct)), Is.EqualTo(1));

        await Nav("Libraries").ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var edit = Page.GetByRole(AriaRole.Dialog, new() { Name = $"Edit {name}" });
        await edit.GetByLabel("Name").FillAsync(name + " HD");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Row, new() { Name = name + " HD" })).ToBeVisibleAsync();
        Assert.That(await DbAsync(db => db.Set<Library>().Where(l => l.Id == library.Id).Select(l => l.Name).SingleAsync(Ct)), Is.EqualTo(name + " HD"));

        await Page.GetByRole(AriaRole.Row, new() { Name = name + " HD" }).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Row, new() { Name = name + " HD" })).ToHaveCountAsync(0);
        Assert.That(await DbAsync(db => db.Set<Library>().AnyAsync(l => l.Id == library.Id, Ct)), Is.False);
        Assert.That(File.Exists(Path.Combine(root, "Heat (1995)/Heat (1995).mkv")), "the disk is never touched");
    }

    [Test]
    public async Task LiveScanView_ShowsTheCountersMoveWhileTheScanRuns_ThenTheHistory()
    {
        var files = Enumerable.Range(1, 400).Select(i => $"Unknown Picture {i} ({1900 + i % 120})/Unknown Picture {i} ({1900 + i % 120}).mkv").ToArray();
        var root = Tree("live", files);
        var library = await LibraryAsync($"Live {Guid.NewGuid():N}"[..10], "movies", root);
        await SignInWithKeyAsync();

        // Every search waits until the page has shown the scan moving: however fast the machine, the scan is still running
        // when the runner saves its counters (every two seconds while it waits on TMDB).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Tmdb.Hold = release.Task;
        try
        {
            using var admin = Api.Admin();
            using var started = await admin.PostAsync($"/v1/libraries/{library}/scan", null, Ct);
            var id = (await Support.HttpAssertions.JsonAsync(started)).GetProperty("id").GetGuid();
            await Page.GotoAsync($"/scans/{id}");
            await Expect(Page.Locator(".title-row .status")).ToHaveTextAsync("running", new() { Timeout = 15_000 });
            await Expect(Page.GetByText("Files per second")).ToBeVisibleAsync();
            await Expect(Page.GetByText("Time left")).ToBeVisibleAsync();
            // The counters move while it runs (the runner reports every two seconds).
            var walked = Page.Locator(".counters div").Filter(new() { HasText = "Files walked" }).Locator("dd");
            var seenMoving = false;
            for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(30) && !seenMoving;)
            {
                var status = await Page.Locator(".title-row .status").TextContentAsync();
                if (status != "running") break;
                if (await walked.TextContentAsync() is { } text && text != "0") { seenMoving = true; await ScreenshotAsync("scan-live"); }
                else await Task.Delay(100);
            }
            Assert.That(seenMoving, "the page showed files walked while the scan ran");
            release.TrySetResult();

            await Expect(Page.Locator(".title-row .status")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
            var scan = await DbAsync(db => db.Set<Scan>().AsNoTracking().SingleAsync(s => s.Id == new Media.Domain.Common.ScanId(id), Ct));
            var counters = Page.Locator(".counters");
            await Expect(counters.Locator("div").Filter(new() { HasText = "Files walked" }).Locator("dd")).ToHaveTextAsync(scan.FilesSeen.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            await Expect(counters.Locator("div").Filter(new() { HasText = "Unmatched" }).Locator("dd")).ToHaveTextAsync(scan.FilesUnmatched.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            Assert.That((scan.FilesSeen, scan.FilesUnmatched), Is.EqualTo((400, 400)));
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Scan history" })).ToBeVisibleAsync();
            await Expect(Page.Locator("tr.current")).ToContainTextAsync("completed");
            await AssertAccessibleAsync();
            await ScreenshotAsync("scan-finished");
        }
        finally
        {
            release.TrySetResult();
            Tmdb.Hold = null;
        }
    }
}
