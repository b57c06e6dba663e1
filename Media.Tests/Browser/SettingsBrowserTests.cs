using System.Net.Http.Json;
using Media.Domain.Naming;
using Media.Domain.Settings;
using Media.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Media.Tests.Browser;

public sealed class SettingsBrowserTests : BrowserTest
{
    [Test]
    public async Task Settings_TemplatePreviewUsersTypedSettingsAndTheParsePlayground()
    {
        await SignInWithKeyAsync();
        await Nav("Settings").ClickAsync();

        // Parse playground over GET /v1/parse.
        var playground = Page.Locator("#parse");
        await playground.GetByLabel("File or release name").FillAsync("Breaking.Bad.S01E02.720p.HDTV.mkv");
        await Expect(playground.Locator("dl")).ToContainTextAsync("Breaking Bad");
        await Expect(playground.Locator("dl")).ToContainTextAsync("720p");
        await Expect(playground.Locator("dd").Nth(3)).ToHaveTextAsync("1");
        await Expect(playground.Locator("dd").Nth(4)).ToHaveTextAsync("2");

        // A name template with a live preview of the path a sample title would get.
        var templateName = $"Short {Guid.NewGuid():N}"[..12];
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add name template" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Add a name template" });
        await dialog.GetByLabel("Name").FillAsync(templateName);
        await dialog.GetByLabel("Pattern").FillAsync("{Title} [{TmdbId}]/{Title}");
        await Expect(dialog.Locator("output")).ToContainTextAsync("The Matrix [603]/The Matrix.mkv");
        await dialog.GetByLabel("Pattern").FillAsync("{Title} {Nope}");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unknown token {Nope}");
        await dialog.GetByLabel("Pattern").FillAsync("{Title} [{TmdbId}]/{Title}");
        await Expect(dialog.Locator("output")).ToContainTextAsync("The Matrix [603]/The Matrix.mkv");
        await ScreenshotAsync("settings-template-preview");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Cell, new() { Name = templateName })).ToBeVisibleAsync();
        var pattern = await DbAsync(db => db.Set<NameTemplate>().Where(t => t.Name == templateName).Select(t => t.Pattern).SingleAsync(Ct));
        Assert.That(pattern, Is.EqualTo("{Title} [{TmdbId}]/{Title}"));

        // A typed setting.
        var interval = Page.Locator("form.setting").Filter(new() { HasText = "scan.intervalMinutes" });
        await interval.GetByLabel("scan.intervalMinutes").FillAsync("-5");
        await interval.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.Locator("#settings").GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await interval.GetByLabel("scan.intervalMinutes").FillAsync("30");
        await interval.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.Locator("#settings").GetByRole(AriaRole.Status)).ToContainTextAsync("scan.intervalMinutes saved");
        var stored = await DbAsync(db => db.Set<AppSetting>().Where(s => s.Key == "scan.intervalMinutes").Select(s => s.Value).SingleAsync(Ct));
        Assert.That(stored, Is.EqualTo("30"));
        using (var admin = Api.Admin()) // back to no schedule, for the other tests
            (await admin.PutAsJsonAsync("/v1/settings/scan.intervalMinutes", new { value = 0 }, Ct)).EnsureSuccessStatusCode();

        // Users: create (the key is shown once), rotate, disable.
        var username = $"carol{Guid.NewGuid():N}"[..12];
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        var userDialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Add a user" });
        await userDialog.GetByLabel("Username").FillAsync(username);
        await userDialog.GetByLabel("Role").SelectOptionAsync("Viewer");
        await userDialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var key = Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "shown only now" });
        await Expect(key).ToContainTextAsync(username);
        var firstKey = await key.Locator("output code").TextContentAsync();
        var user = await DbAsync(db => db.Set<User>().AsNoTracking().SingleAsync(u => u.Username == username, Ct));
        Assert.That((user.RoleId, user.ApiKeyHash), Is.EqualTo((Role.ViewerId, Media.Application.Users.ApiKeys.Hash(firstKey!))));

        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = username });
        await row.GetByRole(AriaRole.Button, new() { Name = "Rotate key" }).ClickAsync();
        await Expect(key.Locator("output code")).Not.ToHaveTextAsync(firstKey!);
        var secondKey = await key.Locator("output code").TextContentAsync();
        Assert.That(await DbAsync(db => db.Set<User>().Where(u => u.Username == username).Select(u => u.ApiKeyHash).SingleAsync(Ct)),
            Is.EqualTo(Media.Application.Users.ApiKeys.Hash(secondKey!)));
        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(row).ToContainTextAsync("disabled");
        Assert.That(await DbAsync(db => db.Set<User>().Where(u => u.Username == username).Select(u => u.Disabled).SingleAsync(Ct)), Is.True);
        await AssertAccessibleAsync();
        await ScreenshotAsync("settings");
    }

    [Test]
    public async Task Settings_ADownloadClientThatDoesNotAnswer_SaysWhyBesideTheTestButton()
    {
        await SignInWithKeyAsync();
        await Nav("Settings").ClickAsync();
        var name = $"Box {Guid.NewGuid():N}"[..9];
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add download client" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Add a download client" });
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await dialog.GetByLabel("URL").FillAsync("http://127.0.0.1:9/transmission/rpc");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await row.GetByRole(AriaRole.Button, new() { Name = "Test" }).ClickAsync();
        await Expect(Page.Locator("#downloaders").GetByRole(AriaRole.Alert)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.That(await DbAsync(db => db.Set<Media.Domain.Downloads.Downloader>().CountAsync(d => d.Name == name, Ct)), Is.EqualTo(1));
    }
}
