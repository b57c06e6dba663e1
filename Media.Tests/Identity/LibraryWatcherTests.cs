using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Identity;

/// <summary>
/// The watcher, on real temp folders, through the API (no scan is asked for after the first): moves and renames
/// recognised within seconds; bursts of files coalesced into a bounded number of rescans; partial downloads ignored;
/// an unmounted root (a real bind mount when the tests run as root, else a root folder swapped for an empty one, which
/// is what an unmount leaves) marks nothing missing and is watched again when it is back.
/// </summary>
[NonParallelizable]
public sealed class LibraryWatcherTests
{
    private FakeTmdb _tmdb = null!;
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _root = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30"))
            .Add(new FakeMovie(949, "Heat", "1995-12-15"))
            .Add(new FakeMovie(680, "Pulp Fiction", "1994-09-10"))
            .Add(new FakeSeries(1396, "Breaking Bad", "2008-01-20", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Pilot"), new(2, "Cat's in the Bag...")],
            }));
        var settings = MediaApiFactory.TmdbSettings(_tmdb);
        settings["Watcher:Enabled"] = "true";
        settings["Watcher:Quiet"] = "00:00:01";
        settings["Watcher:Refresh"] = "00:00:01";
        _api = await MediaApiFactory.CreateAsync(Provider.Postgres, settings: settings);
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-watch-{Guid.NewGuid():N}");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static void Write(string root, string relative, int size = 4096)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[size]);
    }

    private async Task<List<JsonElement>> FilesAsync(Guid library, bool? exists = null)
    {
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var query = $"/v1/media-files?libraryId={library}&pageSize=500&page={page}" + (exists is { } e ? $"&exists={e.ToString().ToLowerInvariant()}" : "");
            var items = (await _admin.GetFromJsonAsync<JsonElement>(query, MediaApiFactory.Json, Ct)).GetProperty("items").EnumerateArray().ToList();
            all.AddRange(items);
            if (items.Count < 500) return all;
        }
    }

    private async Task<List<JsonElement>> ScansAsync(Guid library) =>
        (await _admin.GetFromJsonAsync<JsonElement>($"/v1/scans?libraryId={library}&pageSize=500", MediaApiFactory.Json, Ct))
            .GetProperty("items").EnumerateArray().ToList();

    /// <summary>Waits until no scan of the library is queued or running.</summary>
    private async Task IdleAsync(Guid library)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if ((await ScansAsync(library)).All(s => s.GetProperty("status").GetString() is "completed" or "failed")) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The library's scans did not end.");
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = await read();
        while (!done(last) && clock.Elapsed < within)
        {
            await Task.Delay(100, Ct);
            last = await read();
        }
        Assert.That(done(last), Is.True, $"{what} within {within.TotalSeconds} s");
        return last;
    }

    private async Task<Guid> LibraryAsync(string name, string kind, string root, bool scan = true)
    {
        // A library's files were written long ago: the identity the first scan writes into them is no change to rescan.
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1));
        var id = await _admin.CreateLibraryAsync(name, kind, root, Ct);
        if (scan) await _admin.ScanAsync(id, null, Ct);
        await IdleAsync(id);
        // Changes made before the watcher watches the new library are not its to see (the schedule's): wait for it.
        var watcher = _api.Services.GetRequiredService<Media.Api.Background.LibraryWatcher>();
        await UntilAsync(() => Task.FromResult(watcher.IsWatching(new Media.Domain.Common.LibraryId(id))), w => w, TimeSpan.FromSeconds(10), "the library watched");
        return id;
    }

    [Test]
    public async Task Moves_and_renames_are_recognised_within_10_seconds_without_a_scan_call()
    {
        var movies = Path.Combine(_root, "moves", "movies");
        var shows = Path.Combine(_root, "moves", "shows");
        Write(movies, "Heat (1995)/Heat (1995).mkv");
        Write(movies, "The Matrix (1999)/The Matrix (1999).mkv");
        Write(shows, "Breaking Bad (2008)/Season 01/Breaking Bad - S01E01.mkv");
        var movieLibrary = await LibraryAsync("Watched movies", "movies", movies);
        var showLibrary = await LibraryAsync("Watched shows", "series", shows);
        var before = (await FilesAsync(movieLibrary)).Concat(await FilesAsync(showLibrary))
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("id").GetGuid());
        Assert.That(before, Has.Count.EqualTo(3));

        _tmdb.ResetCounts();
        File.Move(Path.Combine(movies, "Heat (1995)/Heat (1995).mkv"), Path.Combine(movies, "Heat (1995)/Heat.1995.Remastered.mkv"));
        Directory.CreateDirectory(Path.Combine(movies, "Sci-Fi"));
        File.Move(Path.Combine(movies, "The Matrix (1999)/The Matrix (1999).mkv"), Path.Combine(movies, "Sci-Fi/The Matrix (1999).mkv"));
        Directory.Move(Path.Combine(shows, "Breaking Bad (2008)"), Path.Combine(shows, "Breaking Bad"));

        var expected = new Dictionary<string, string>
        {
            ["Heat (1995)/Heat.1995.Remastered.mkv"] = "Heat (1995)/Heat (1995).mkv",
            ["Sci-Fi/The Matrix (1999).mkv"] = "The Matrix (1999)/The Matrix (1999).mkv",
            ["Breaking Bad/Season 01/Breaking Bad - S01E01.mkv"] = "Breaking Bad (2008)/Season 01/Breaking Bad - S01E01.mkv",
        };
        var after = await UntilAsync(
            async () => (await FilesAsync(movieLibrary, exists: true)).Concat(await FilesAsync(showLibrary, exists: true)).ToList(),
            files => files.Select(f => f.GetProperty("path").GetString()).Order().SequenceEqual(expected.Keys.Order()),
            TimeSpan.FromSeconds(10), "every file at its new path");
        foreach (var file in after)
            Assert.That(file.GetProperty("id").GetGuid(), Is.EqualTo(before[expected[file.GetProperty("path").GetString()!]]), "the same media file");
        await IdleAsync(movieLibrary);
        await IdleAsync(showLibrary);
        Assert.That((await FilesAsync(movieLibrary)).Count + (await FilesAsync(showLibrary)).Count, Is.EqualTo(3), "no new media file, none missing left behind");
        foreach (var id in before.Values)
        {
            var history = (await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files/{id}", MediaApiFactory.Json, Ct)).GetProperty("imports");
            Assert.That(history.EnumerateArray().Select(h => h.GetProperty("method").GetString()), Is.EqualTo(new[] { "move", "scan" }));
        }
        var pending = (await _admin.GetFromJsonAsync<JsonElement>("/v1/unmatched-files", MediaApiFactory.Json, Ct)).GetProperty("totalCount").GetInt32();
        Assert.That(pending, Is.Zero, "no unmatched entries");
        Assert.That(_tmdb.Requests, Is.Zero, "no TMDB requests");
        var scans = (await ScansAsync(movieLibrary)).Count - 1 + (await ScansAsync(showLibrary)).Count - 1;
        TestContext.Out.WriteLine($"Rescans started by the watcher for three moves in two libraries: {scans}");
    }

    [Test]
    public async Task Bursts_of_1000_files_make_a_bounded_number_of_rescans_and_partial_files_none()
    {
        var root = Path.Combine(_root, "bursts");
        Write(root, "Heat (1995)/Heat (1995).mkv");
        Directory.CreateDirectory(Path.Combine(root, "incoming"));
        var library = await LibraryAsync("Bursts", "movies", root);
        var scansBefore = (await ScansAsync(library)).Count;

        // A download writing a partial file for a while: never a rescan.
        var partial = Path.Combine(root, "incoming", "Pulp.Fiction.1994.mkv.part");
        await using (var stream = File.Create(partial))
            for (var i = 0; i < 20; i++)
            {
                await stream.WriteAsync(new byte[64 * 1024], Ct);
                await stream.FlushAsync(Ct);
                await Task.Delay(100, Ct);
            }
        await Task.Delay(2500, Ct);
        Assert.That((await ScansAsync(library)).Count, Is.EqualTo(scansBefore), $"a .part file that keeps growing starts no rescan: {string.Join(", ", (await ScansAsync(library)).Select(s => s.GetProperty("path").ToString()))}");

        // 1,000 files in 10 bursts of 100, a quarter of a second apart, in 10 folders.
        var clock = Stopwatch.StartNew();
        for (var burst = 0; burst < 10; burst++)
        {
            for (var i = 0; i < 100; i++) Write(root, $"Heat (1995)/copies {burst}/Heat.1995.copy{burst * 100 + i:0000}.mkv", 1024);
            await Task.Delay(250, Ct);
        }
        await UntilAsync(async () => (await FilesAsync(library, exists: true)).Count, n => n == 1001, TimeSpan.FromSeconds(60), "1,001 media files");
        var seconds = clock.Elapsed.TotalSeconds;
        await IdleAsync(library);
        var rescans = (await ScansAsync(library)).Count - scansBefore;
        TestContext.Out.WriteLine($"1,000 files created in 10 bursts: {rescans} rescans by the watcher; all recorded {seconds:F1} s after the first was written");
        Assert.That(rescans, Is.InRange(1, 10), "bounded: at most one rescan per burst");
        var unmatched = (await _admin.GetFromJsonAsync<JsonElement>($"/v1/unmatched-files?libraryId={library}", MediaApiFactory.Json, Ct)).GetProperty("totalCount").GetInt32();
        Assert.That(unmatched, Is.Zero, "the partial file is not queued either");
    }

    [Test]
    public async Task An_unmounted_root_under_a_watcher_marks_nothing_missing_and_is_watched_again_when_back()
    {
        var disk = Path.Combine(_root, "disk");
        var root = Path.Combine(_root, "mount");
        Write(disk, "Heat (1995)/Heat (1995).mkv");
        Write(disk, "Pulp Fiction (1994)/Pulp Fiction (1994).mkv");
        Directory.CreateDirectory(root);
        var bound = Run("mount", "--bind", disk, root);
        if (!bound) Directory.Delete(root);
        if (!bound) Directory.Move(disk, root); // not root: the disk is the root folder, and an unmount is simulated below
        var library = await LibraryAsync("Mounted", "movies", root);
        Assert.That(await FilesAsync(library, exists: true), Has.Count.EqualTo(2));
        var scansBefore = (await ScansAsync(library)).Count;

        // Unmounted: the root is an empty folder again (another folder: the mount point's own).
        if (bound) Assert.That(Run("umount", root), Is.True);
        else
        {
            Directory.Move(root, disk);
            Directory.CreateDirectory(root);
        }
        var scans = await UntilAsync(() => ScansAsync(library), s => s.Count > scansBefore, TimeSpan.FromSeconds(10), "a rescan after the unmount");
        await IdleAsync(library);
        scans = await ScansAsync(library);
        Assert.That(scans[0].GetProperty("status").GetString(), Is.EqualTo("failed"), "the rescan of an empty root fails: an unmounted share");
        Assert.That(await FilesAsync(library, exists: false), Is.Empty, "nothing marked missing");

        // Mounted again: watched again (a change is seen), and the rescan finds everything where it was.
        if (bound) Assert.That(Run("mount", "--bind", disk, root), Is.True);
        else
        {
            Directory.Delete(root);
            Directory.Move(disk, root);
        }
        await Task.Delay(2500, Ct);
        Write(root, "The Matrix (1999)/The Matrix (1999).mkv");
        await UntilAsync(async () => (await FilesAsync(library, exists: true)).Count, n => n == 3, TimeSpan.FromSeconds(15), "the new file recorded");
        await IdleAsync(library);
        Assert.That(await FilesAsync(library, exists: false), Is.Empty, "still nothing missing");
        if (bound) Run("umount", root);
    }

    private static bool Run(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
