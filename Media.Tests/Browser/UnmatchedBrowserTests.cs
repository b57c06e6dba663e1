using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Media.Tests.Browser;

public sealed class UnmatchedBrowserTests : BrowserTest
{
    [Test]
    public async Task Queue_MatchFromTheDialogByKeyboard_AndDismiss()
    {
        var root = Tree("queue", "Matrix (2003)/Matrix (2003) 720p.mkv", "Heist Film (1995)/Heist Film (1995).mkv", "Home Video (2011)/Home Video (2011).mkv");
        var name = $"Queue {Guid.NewGuid():N}"[..11];
        var library = await LibraryAsync(name, "movies", root);
        await ScanAsync(library);
        await SignInWithKeyAsync();

        await Page.GotoAsync($"/unmatched?libraryId={library}");
        var rows = Page.GetByRole(AriaRole.Table, new() { Name = "Unmatched files" }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        var detail = Page.GetByRole(AriaRole.Complementary, new() { Name = "Selected file" });
        await rows.Filter(new() { HasText = "Matrix (2003)" }).ClickAsync();
        await Expect(detail).ToContainTextAsync("Matrix (2003)/Matrix (2003) 720p.mkv");
        await Expect(detail).ToContainTextAsync("720p");                 // what the parser read...
        await Expect(detail).ToContainTextAsync("The Matrix Reloaded");  // ...beside the stored suggestion
        await AssertAccessibleAsync();
        await ScreenshotAsync("unmatched");

        // From the first row, j moves to the second; m opens the match dialog for it.
        await rows.First.Locator("td.path").ClickAsync();
        var second = (await rows.Nth(1).Locator("td.path").TextContentAsync())!;
        await Page.Keyboard.PressAsync("j");
        await Expect(detail.Locator("h2")).ToHaveTextAsync(second);
        await Page.Keyboard.PressAsync("m");
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Match file" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Title").FillAsync("Heat");
        await Page.Mouse.ClickAsync(5, 5); // a stray click outside: the dialog stays, with what was typed
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Title")).ToHaveValueAsync("Heat");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Search TMDB" }).ClickAsync();
        // Each hit shows TMDB's poster (from the image server its configuration names) and overview.
        var hit = dialog.GetByRole(AriaRole.List, new() { Name = "Search results" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Heat (1995)" });
        await Expect(hit).ToContainTextAsync(BrowserSuite.HeatOverview);
        var poster = hit.GetByRole(AriaRole.Img, new() { Name = "Poster of Heat" });
        await Expect(poster).ToHaveAttributeAsync("src", $"{Tmdb.BaseUrl[..^2]}t/p/w92/heat.png");
        await Expect(poster).ToHaveJSPropertyAsync("naturalWidth", 2); // the image arrived and decoded
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Heat (1995)" }).CheckAsync();
        await AssertAccessibleAsync();
        await ScreenshotAsync("unmatched-match-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Match", Exact = true }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Matched {second}");
        await Expect(rows).ToHaveCountAsync(2);

        var matched = await DbAsync(db => db.Set<UnmatchedFile>().AsNoTracking().SingleAsync(u => u.Path == second && u.LibraryId == new LibraryId(library), Ct));
        Assert.That(matched.Status, Is.EqualTo(UnmatchedStatus.Matched));
        var file = await DbAsync(db => db.Set<MediaFile>().AsNoTracking().SingleAsync(f => f.Id == matched.MediaFileId, Ct));
        var item = await DbAsync(db => db.Set<MediaItem>().AsNoTracking().SingleAsync(m => m.Id == file.MediaItemId, Ct));
        Assert.That((item.TmdbId, item.Title, item.Overview, item.PosterPath), Is.EqualTo((949, "Heat", BrowserSuite.HeatOverview, "/heat.png")));
        Assert.That(await DbAsync(db => db.Set<ImportAttempt>().CountAsync(i => i.MediaFileId == file.Id && i.Method == ImportMethod.ManualMatch, Ct)), Is.EqualTo(1));

        // d dismisses the file in focus.
        var target = (await rows.First.Locator("td.path").TextContentAsync())!;
        await rows.First.ClickAsync();
        await Page.Keyboard.PressAsync("d");
        await Expect(rows).ToHaveCountAsync(1);
        var dismissed = await DbAsync(db => db.Set<UnmatchedFile>().AsNoTracking().SingleAsync(u => u.Path == target && u.LibraryId == new LibraryId(library), Ct));
        Assert.That(dismissed.Status, Is.EqualTo(UnmatchedStatus.Dismissed));
        await Page.GetByLabel("Status").SelectOptionAsync("dismissed");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync(target);
    }

    [Test]
    public async Task Queue_MatchAFolderToOneSeries_WithAPreviewFirst_ThenBulkDismiss()
    {
        var root = Tree("bulk",
            "Sevrance Rip/sev.s01e01.mkv", "Sevrance Rip/sev.s01e02.mkv", "Sevrance Rip/sev.s01e03.mkv",
            "Junk/clip one.mkv", "Junk/clip two.mkv");
        var library = await LibraryAsync($"Bulk {Guid.NewGuid():N}"[..10], "series", root);
        await ScanAsync(library);
        await SignInWithKeyAsync();

        await Page.GotoAsync($"/unmatched?libraryId={library}&folder=Sevrance%20Rip");
        var rows = Page.GetByRole(AriaRole.Table, new() { Name = "Unmatched files" }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Match this folder…" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Match 3 files to one series" });
        await dialog.GetByLabel("Title").FillAsync("Severance");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Search TMDB" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Severance (2022)" }).CheckAsync();
        var preview = dialog.GetByRole(AriaRole.Table, new() { Name = "Preview" });
        await Expect(preview).ToContainTextAsync("S01E01 · Good News About Hell");
        await Expect(preview).ToContainTextAsync("S01E03 · In Perpetuity");
        Assert.That(await DbAsync(db => db.Set<MediaFile>().CountAsync(f => f.LibraryId == new LibraryId(library), Ct)), Is.Zero, "nothing is written before the user says so");
        await ScreenshotAsync("unmatched-bulk-preview");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Match 3 files" }).ClickAsync();
        await Expect(preview.GetByText("matched", new() { Exact = true })).ToHaveCountAsync(3);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).First.ClickAsync();
        await Expect(rows).ToHaveCountAsync(0);

        var episodes = await DbAsync(db => (
            from f in db.Set<MediaFile>().AsNoTracking()
            join m in db.Set<MediaItem>().AsNoTracking() on f.MediaItemId equals m.Id
            where f.LibraryId == new LibraryId(library)
            select new { f.Path, m.TmdbId }).ToListAsync(Ct));
        Assert.That(episodes.Select(e => (e.Path, e.TmdbId)), Is.EquivalentTo(new[]
        {
            ("Sevrance Rip/sev.s01e01.mkv", 95396), ("Sevrance Rip/sev.s01e02.mkv", 95396), ("Sevrance Rip/sev.s01e03.mkv", 95396),
        }));

        // The rest: select both and dismiss them at once.
        await Page.GotoAsync($"/unmatched?libraryId={library}");
        await Expect(rows).ToHaveCountAsync(2);
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "Select all on this page" }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Dismiss selected" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Dismissed 2 of 2 files");
        var statuses = await DbAsync(db => db.Set<UnmatchedFile>().Where(u => u.LibraryId == new LibraryId(library) && u.Path.StartsWith("Junk/")).Select(u => u.Status).ToListAsync(Ct));
        Assert.That(statuses, Is.EqualTo(new[] { UnmatchedStatus.Dismissed, UnmatchedStatus.Dismissed }));
    }
}
