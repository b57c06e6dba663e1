using Deque.AxeCore.Playwright;
using Media.Domain.Common;
using Media.Domain.Users;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Media.Tests.Browser;

/// <summary>
/// One real app on Kestrel (SQLite, the fake TMDB) and one Debian Chromium for every browser test: starting either
/// costs seconds, so they are shared; each test gets its own browser context (its own storage) and its own library.
/// </summary>
[SetUpFixture]
public sealed class BrowserSuite
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string HeatOverview = "A group of high-end professional thieves start to feel the heat from the LAPD when they unknowingly leave a clue.";
    public const string AlienOverview = "During its return to the earth, commercial spaceship Nostromo intercepts a distress signal from a distant planet.";

    public static string? SkipReason { get; private set; }
    public static IBrowser Browser { get; private set; } = null!;
    public static MediaApiFactory Api { get; private set; } = null!;
    public static FakeTmdb Tmdb { get; private set; } = null!;
    public static string BaseUrl { get; private set; } = "";
    public static string Root { get; private set; } = "";
    public static string Screenshots { get; private set; } = "";

    private static IPlaywright? _playwright;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!File.Exists(ChromiumPath))
        {
            SkipReason = $"{ChromiumPath} is not installed (Debian package 'chromium'; build.ps1 test installs it as root).";
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });

        Tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30", ImdbId: "tt0133093", Popularity: 80))
            .Add(new FakeMovie(604, "The Matrix Reloaded", "2003-05-15", Popularity: 40))
            .Add(new FakeMovie(949, "Heat", "1995-12-15", Overview: HeatOverview, PosterPath: "/heat.png"))
            .Add(new FakeMovie(27205, "Inception", "2010-07-15"))
            .Add(new FakeMovie(348, "Alien", "1979-05-25", ImdbId: "tt0078748", Overview: AlienOverview, PosterPath: "/alien.png"))
            .Add(new FakeSeries(1396, "Breaking Bad", "2008-01-20", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Pilot"), new(2, "Cat's in the Bag..."), new(3, "...And the Bag's in the River")],
            }))
            .Add(new FakeSeries(95396, "Severance", "2022-02-18", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Good News About Hell"), new(2, "Half Loop"), new(3, "In Perpetuity")],
            }));
        var settings = MediaApiFactory.TmdbSettings(Tmdb);
        settings["Downloads:PollInterval"] = "00:00:00.300"; // the activity test's download job moves along quickly
        Api = await MediaApiFactory.CreateAsync(Provider.Sqlite, settings: settings);
        Api.UseKestrel(0);
        Api.StartServer();
        var address = Api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").TrimEnd('/');

        Root = Path.Combine(Path.GetTempPath(), $"media-browser-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        Screenshots = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(Screenshots);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_playwright is null) return;
        await Browser.CloseAsync();
        _playwright.Dispose();
        await Api.DisposeAsync();
        await Tmdb.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Media.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }
}

/// <summary>A test in a fresh browser context; helpers to sign in, look at the page, check accessibility and read the database.</summary>
[Category("Browser")]
public abstract class BrowserTest
{
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;
    protected static MediaApiFactory Api => BrowserSuite.Api;
    protected static FakeTmdb Tmdb => BrowserSuite.Tmdb;
    protected static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [SetUp]
    public async Task OpenContext()
    {
        if (BrowserSuite.SkipReason is { } reason) Assert.Ignore(reason);
        Context = await BrowserSuite.Browser.NewContextAsync(new() { BaseURL = BrowserSuite.BaseUrl, ViewportSize = new() { Width = 1360, Height = 900 } });
        Context.SetDefaultTimeout(10_000);
        Page = await Context.NewPageAsync();
        Page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // confirm() prompts: the user says yes
        Page.PageError += (_, error) => TestContext.Out.WriteLine($"page error: {error}");
    }

    [TearDown]
    public async Task CloseContext()
    {
        if (Context is null) return;
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            await ScreenshotAsync($"FAILED-{TestContext.CurrentContext.Test.Name}");
        await Context.CloseAsync();
    }

    /// <summary>A folder of its own under the suite's temp root, with the given files (sparse, of the given sizes).</summary>
    protected static string Tree(string name, params string[] files)
    {
        var root = Path.Combine(BrowserSuite.Root, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        foreach (var file in files) Write(root, file);
        Directory.CreateDirectory(root);
        return root;
    }

    protected static void Write(string root, string file, long size = 1_500_000)
    {
        var path = Path.Combine(root, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        stream.SetLength(size);
    }

    protected async Task SignInWithKeyAsync(string? key = null)
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("API key").FillAsync(key ?? Api.AdminKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
    }

    protected ILocator Nav(string name) => Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    protected async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.Screenshots, $"{name}.png"), FullPage = true });

    /// <summary>No serious or critical axe-core violation on the page as it is now.</summary>
    protected async Task AssertAccessibleAsync()
    {
        var result = await Page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.That(bad, Is.Empty, string.Join("\n", bad.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }

    protected static async Task<T> DbAsync<T>(Func<MediaDbContext, Task<T>> query)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MediaDbContext>());
    }

    /// <summary>A library made through the API (the library screen's own test makes one through the page).</summary>
    protected static async Task<Guid> LibraryAsync(string name, string kind, string root)
    {
        using var admin = Api.Admin();
        return await admin.CreateLibraryAsync(name, kind, root, Ct);
    }

    protected static async Task ScanAsync(Guid library, string? folder = null)
    {
        using var admin = Api.Admin();
        var scan = await admin.ScanAsync(library, folder, Ct);
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());
    }

    protected static Task<string> UserKeyAsync(RoleId role) => Api.UserWithRoleAsync(role);
}
