using Media.Domain.Imports;
using Microsoft.EntityFrameworkCore;
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
}
