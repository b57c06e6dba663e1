using System.Net.Http.Json;
using Media.Domain.Users;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Media.Tests.Browser;

public sealed class SignInBrowserTests : BrowserTest
{
    [Test]
    public async Task SignIn_WithTheKeyFromTheLog_ShowsEveryWorkflowInTheNavigation()
    {
        await Page.GotoAsync("/");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Media" })).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Username")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Password")).ToBeVisibleAsync();
        await AssertAccessibleAsync();
        await ScreenshotAsync("sign-in");

        await Page.GetByLabel("API key").FillAsync("not-a-key");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unauthorized");

        await SignInWithKeyAsync();
        foreach (var name in new[] { "Libraries", "Titles", "Unmatched", "Missing", "Activity", "Settings" })
            await Expect(Nav(name)).ToBeVisibleAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/libraries$"));
        await Expect(Page.GetByRole(AriaRole.Banner)).ToContainTextAsync("admin (Admin)");
    }

    [Test]
    public async Task Admin_SetsAPassword_ThenSignsOutAndInWithIt()
    {
        // A second admin who, like the first one, has only a key: logging in replaces a key, and the suite keeps the first.
        var username = $"alice{Guid.NewGuid():N}"[..12];
        using var admin = Api.Admin();
        using var created = await admin.PostAsJsonAsync("/v1/users", new { username, role = "Admin" }, Ct);
        var key = (await created.JsonAsync()).GetProperty("apiKey").GetString();
        await SignInWithKeyAsync(key);
        await Nav("Settings").ClickAsync();
        await Page.GetByLabel("New password").FillAsync("correct horse battery");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Password set");
        var hash = await DbAsync(db => db.Set<User>().Where(u => u.Username == username).Select(u => u.PasswordHash).SingleAsync(Ct));
        Assert.That(hash, Is.Not.Null.And.Not.Empty);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Media" })).ToBeVisibleAsync();
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync("wrong password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unknown username or wrong password");

        await Page.GetByLabel("Password").FillAsync("correct horse battery");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(Nav("Libraries")).ToBeVisibleAsync();
        var stored = await Page.EvaluateAsync<string>("localStorage.getItem('media.apiKey')");
        Assert.That(stored, Is.Not.Empty.And.Not.EqualTo(key), "a login issues a new key");
        await Expect(Page.GetByRole(AriaRole.Banner)).ToContainTextAsync($"{username} (Admin)");
    }

    [Test]
    public async Task Viewer_SeesNoButtonThatWouldAnswer403()
    {
        var root = Tree("viewer", "Heat (1995)/Heat (1995).mkv", "Mystery Reel (2001).mkv");
        var library = await LibraryAsync("Viewer films", "movies", root);
        await ScanAsync(library);

        await SignInWithKeyAsync(await UserKeyAsync(Role.ViewerId));
        await Expect(Page.GetByRole(AriaRole.Row, new() { Name = "Viewer films" })).ToBeVisibleAsync();
        foreach (var button in new[] { "Add library", "Scan now", "Scan folder…", "Edit", "Delete" })
            await Expect(Page.GetByRole(AriaRole.Button, new() { Name = button })).ToHaveCountAsync(0);

        await Nav("Unmatched").ClickAsync();
        await Page.GetByLabel("Library").SelectOptionAsync(new SelectOptionValue { Label = "Viewer films" });
        await Expect(Page.GetByText("Mystery Reel (2001).mkv").First).ToBeVisibleAsync();
        foreach (var button in new[] { "Match…", "Dismiss", "Refresh suggestions" })
            await Expect(Page.GetByRole(AriaRole.Button, new() { Name = button })).ToHaveCountAsync(0);
        await Page.Keyboard.PressAsync("d");
        var status = await DbAsync(db => db.Set<Media.Domain.Unmatched.UnmatchedFile>().Where(u => u.Path == "Mystery Reel (2001).mkv").Select(u => u.Status).SingleAsync(Ct));
        Assert.That(status, Is.EqualTo(Media.Domain.Unmatched.UnmatchedStatus.Pending));

        await Nav("Settings").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Users" })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Parse playground" })).ToBeVisibleAsync();
    }
}
