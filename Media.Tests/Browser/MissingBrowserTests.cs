using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Media.Tests.Browser;

public sealed class MissingBrowserTests : BrowserTest
{
    [Test]
    public async Task Missing_AnUnmountedDiskIsOneGroup_ThatCanBeRescannedOrForgotten()
    {
        var root = Tree("missing",
            "Disk2/The Matrix (1999)/The Matrix (1999).mkv", "Disk2/Heat (1995)/Heat (1995).mkv",
            "Disk1/Inception (2010)/Inception (2010).mkv");
        var name = $"Missing {Guid.NewGuid():N}"[..13];
        var library = await LibraryAsync(name, "movies", root);
        await ScanAsync(library);
        Directory.Delete(Path.Combine(root, "Disk2"), recursive: true); // the disk is gone
        await ScanAsync(library);
        await SignInWithKeyAsync();

        await Page.GotoAsync($"/missing?libraryId={library}");
        var group = Page.GetByRole(AriaRole.Article, new() { Name = "Disk2" });
        await Expect(group).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Article)).ToHaveCountAsync(1);
        await Expect(group).ToContainTextAsync("2 missing files");
        await Expect(group).ToContainTextAsync("found by this scan");
        await Expect(group).ToContainTextAsync("last seen");
        await group.GetByRole(AriaRole.Button, new() { Name = "Show files" }).ClickAsync();
        await Expect(group.GetByText("Disk2/Heat (1995)/Heat (1995).mkv")).ToBeVisibleAsync();
        await Expect(group.GetByText("Disk2/The Matrix (1999)/The Matrix (1999).mkv")).ToBeVisibleAsync();
        await AssertAccessibleAsync();
        await ScreenshotAsync("missing");

        // Forget one, then the rest of the group.
        await group.GetByRole(AriaRole.Checkbox, new() { Name = "Select Disk2/Heat (1995)/Heat (1995).mkv" }).CheckAsync();
        await group.GetByRole(AriaRole.Button, new() { Name = "Forget selected" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Forgot 1 files");
        var left = await DbAsync(db => db.Set<MediaFile>().Where(f => f.LibraryId == new LibraryId(library)).Select(f => f.Path).ToListAsync(Ct));
        Assert.That(left, Is.EquivalentTo(new[] { "Disk2/The Matrix (1999)/The Matrix (1999).mkv", "Disk1/Inception (2010)/Inception (2010).mkv" }));

        await group.GetByRole(AriaRole.Button, new() { Name = "Rescan folder" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"Scan of {name} · Disk2" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".title-row .status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("completed|failed"), new() { Timeout = 30_000 });

        await Page.GotoAsync($"/missing?libraryId={library}");
        await Page.GetByRole(AriaRole.Article, new() { Name = "Disk2" }).GetByRole(AriaRole.Button, new() { Name = "Forget all" }).ClickAsync();
        await Expect(Page.GetByText("Nothing is missing")).ToBeVisibleAsync();
        left = await DbAsync(db => db.Set<MediaFile>().Where(f => f.LibraryId == new LibraryId(library)).Select(f => f.Path).ToListAsync(Ct));
        Assert.That(left, Is.EqualTo(new[] { "Disk1/Inception (2010)/Inception (2010).mkv" }));
        Assert.That(File.Exists(Path.Combine(root, "Disk1/Inception (2010)/Inception (2010).mkv")));
    }
}
