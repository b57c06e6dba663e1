using Media.Domain.MediaFiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Media.Tests.Browser;

public sealed class TitleBrowserTests : BrowserTest
{
    [Test]
    public async Task Titles_SearchOpenAndTheFileTimeline()
    {
        var movies = Tree("titles-m", "Alien (1979)/Alien (1979) 1080p.mkv");
        var shows = Tree("titles-s", "Breaking Bad/Season 01/Breaking Bad - S01E01 - Pilot.mkv", "Breaking Bad/Season 01/Breaking Bad - S01E02.mkv");
        var movieLibrary = await LibraryAsync($"Titles M {Guid.NewGuid():N}"[..14], "movies", movies);
        var showLibrary = await LibraryAsync($"Titles S {Guid.NewGuid():N}"[..14], "series", shows);
        await ScanAsync(movieLibrary);
        await ScanAsync(showLibrary);
        await SignInWithKeyAsync();

        await Nav("Titles").ClickAsync();
        var list = Page.GetByRole(AriaRole.List, new() { Name = "Titles" });
        await Expect(list.GetByText("Alien", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(list.GetByText("Breaking Bad", new() { Exact = true })).ToBeVisibleAsync();
        await AssertAccessibleAsync();
        await ScreenshotAsync("titles");

        await Page.GetByLabel("Search titles").FillAsync("alien");
        await Expect(list.GetByText("Breaking Bad", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=alien"));
        await list.GetByText("Alien", new() { Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Alien (1979)" })).ToBeVisibleAsync();
        // What TMDB says about it, kept when the scan identified it: the overview and the poster.
        await Expect(Page.GetByText(BrowserSuite.AlienOverview)).ToBeVisibleAsync();
        var poster = Page.GetByRole(AriaRole.Img, new() { Name = "Poster of Alien" });
        await Expect(poster).ToHaveAttributeAsync("src", $"{Tmdb.BaseUrl[..^2]}t/p/w185/alien.png");
        await Expect(poster).ToHaveJSPropertyAsync("naturalWidth", 2);
        var alien = await DbAsync(db => db.Set<Media.Domain.MediaItems.MediaItem>().AsNoTracking()
            .SingleAsync(m => m.TmdbId == 348 && m.Type == Media.Domain.MediaItems.MediaType.Movie, Ct));
        Assert.That((alien.Overview, alien.PosterPath), Is.EqualTo((BrowserSuite.AlienOverview, "/alien.png")));
        // Other tests' libraries may hold Alien too: this library's file is the one with this path.
        var ours = Page.Locator(".file").Filter(new() { HasText = "Alien (1979)/Alien (1979) 1080p.mkv" });
        await Expect(ours).ToBeVisibleAsync();
        await Expect(ours.Locator(".state")).ToContainTextAsync("last verified");
        await ours.GetByText("Timeline").ClickAsync();
        var timeline = ours.GetByRole(AriaRole.List, new() { Name = "Import attempts, newest first" });
        await Expect(timeline.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(timeline).ToContainTextAsync("scan");
        await Expect(timeline).ToContainTextAsync("succeeded");

        // A file that vanished says since when; its timeline stays.
        File.Delete(Path.Combine(movies, "Alien (1979)/Alien (1979) 1080p.mkv"));
        // The root still holds a video (a root with only non-media files is taken as an unmounted share): the scan may mark missing.
        Write(movies, "Home Video (2000)/Home Video (2000).mkv", 10);
        await ScanAsync(movieLibrary);
        await Page.ReloadAsync();
        await Expect(ours.Locator(".state")).ToContainTextAsync("missing since");
        var file = await DbAsync(db => db.Set<MediaFile>().AsNoTracking().SingleAsync(f => f.LibraryId == new Media.Domain.Common.LibraryId(movieLibrary), Ct));
        Assert.That(file.State.Exists, Is.False);

        await Page.GotoAsync("/titles?q=breaking");
        await list.GetByText("Breaking Bad", new() { Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Season 1" })).ToBeVisibleAsync();
        var pilot = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Pilot" });
        await Expect(pilot).ToContainTextAsync("Breaking Bad - S01E01 - Pilot.mkv");
        var third = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "And the Bag" });
        await Expect(third).ToContainTextAsync("no file");
        await AssertAccessibleAsync();
        await ScreenshotAsync("title-series");
    }
}
