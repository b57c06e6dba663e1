using System.Net.Http.Json;
using System.Text.Json;
using Media.Infrastructure.Storage;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Identity;

/// <summary>
/// Identity that survives moves and renames, on real temp folders (ext4 or tmpfs: user xattrs), through the API with
/// the fake TMDB, whose requests are counted: a file renamed, moved to another folder, a series folder renamed, a
/// file moved into another library keep their media-file ids and history, with a move entry, and cost no TMDB request.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class FileIdentityScanTests(Provider provider)
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
            .Add(new FakeMovie(27205, "Inception", "2010-07-15"))
            .Add(new FakeMovie(680, "Pulp Fiction", "1994-09-10"))
            .Add(new FakeMovie(550, "Fight Club", "1999-10-15"))
            .Add(new FakeSeries(1396, "Breaking Bad", "2008-01-20", new Dictionary<int, FakeEpisode[]>
            {
                [1] = [new(1, "Pilot"), new(2, "Cat's in the Bag..."), new(3, "...And the Bag's in the River")],
            }));
        _api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(_tmdb));
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-identity-{Guid.NewGuid():N}");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string Write(string root, string relative, int size = 4096, byte fill = 1)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        Array.Fill(bytes, fill);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void Move(string root, string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, to))!);
        File.Move(Path.Combine(root, from), Path.Combine(root, to));
    }

    private async Task<Dictionary<string, JsonElement>> FilesAsync(Guid library)
    {
        var page = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files?libraryId={library}&pageSize=500", MediaApiFactory.Json, Ct);
        // A path may be held by a missing file (replaced there by another) beside the file there now: the existing one wins.
        return page.GetProperty("items").EnumerateArray().GroupBy(f => f.GetProperty("path").GetString()!)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.GetProperty("state").GetProperty("exists").GetBoolean()).First());
    }

    private async Task<JsonElement> FileAsync(Guid id) =>
        await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files/{id}", MediaApiFactory.Json, Ct);

    private async Task<int> PendingAsync(Guid library) =>
        (await _admin.GetFromJsonAsync<JsonElement>($"/v1/unmatched-files?libraryId={library}", MediaApiFactory.Json, Ct)).GetProperty("totalCount").GetInt32();

    private static Guid Id(JsonElement file) => file.GetProperty("id").GetGuid();

    [Test]
    public async Task Rename_move_to_another_folder_and_series_folder_rename_keep_ids_and_history_without_TMDB()
    {
        var root = Path.Combine(_root, "story");
        var moviesRoot = Path.Combine(root, "movies");
        var showsRoot = Path.Combine(root, "shows");
        Write(moviesRoot, "Heat (1995)/Heat (1995).mkv");
        Write(moviesRoot, "The Matrix (1999)/The Matrix (1999).mkv");
        Write(showsRoot, "Breaking Bad (2008)/Season 01/Breaking Bad - S01E01.mkv");
        Write(showsRoot, "Breaking Bad (2008)/Season 01/Breaking Bad - S01E02.mkv");
        var movies = await _admin.CreateLibraryAsync("Story movies", "movies", moviesRoot, Ct);
        var shows = await _admin.CreateLibraryAsync("Story shows", "series", showsRoot, Ct);
        Assert.That((await _admin.ScanAsync(movies, null, Ct)).GetProperty("filesIdentified").GetInt32(), Is.EqualTo(2));
        Assert.That((await _admin.ScanAsync(shows, null, Ct)).GetProperty("filesIdentified").GetInt32(), Is.EqualTo(2));
        var before = (await FilesAsync(movies)).Concat(await FilesAsync(shows)).ToDictionary(f => f.Key, f => Id(f.Value));
        foreach (var file in (await FilesAsync(movies)).Values)
            Assert.That(file.GetProperty("state").GetProperty("identityStored").GetBoolean(), Is.True, "the identity is stored in the file");
        var tag = FileIdentity.ReadTag(Path.Combine(moviesRoot, "Heat (1995)/Heat (1995).mkv"));
        Assert.That(tag?.File.Value, Is.EqualTo(before["Heat (1995)/Heat (1995).mkv"]));
        Assert.That((tag!.Type, tag.TmdbId), Is.EqualTo((Media.Domain.MediaItems.MediaType.Movie, 949)));
        var episode = FileIdentity.ReadTag(Path.Combine(showsRoot, "Breaking Bad (2008)/Season 01/Breaking Bad - S01E02.mkv"));
        Assert.That((episode!.TmdbId, episode.Season, episode.Episodes.Single()), Is.EqualTo((1396, (int?)1, 2)));

        _tmdb.ResetCounts();
        Move(moviesRoot, "Heat (1995)/Heat (1995).mkv", "Heat (1995)/Heat.1995.1080p.BluRay.mkv");
        Move(moviesRoot, "The Matrix (1999)/The Matrix (1999).mkv", "Sci-Fi/The Matrix (1999).mkv");
        // The whole series folder, renamed and moved into another folder: its name no longer even leads the path.
        Directory.CreateDirectory(Path.Combine(showsRoot, "Drama"));
        Directory.Move(Path.Combine(showsRoot, "Breaking Bad (2008)"), Path.Combine(showsRoot, "Drama", "BB"));
        var movieScan = await _admin.ScanAsync(movies, null, Ct);
        var showScan = await _admin.ScanAsync(shows, null, Ct);

        Assert.That(movieScan.GetProperty("filesMissing").GetInt32() + showScan.GetProperty("filesMissing").GetInt32(), Is.Zero);
        var moved = new Dictionary<string, string>
        {
            ["Heat (1995)/Heat.1995.1080p.BluRay.mkv"] = "Heat (1995)/Heat (1995).mkv",
            ["Sci-Fi/The Matrix (1999).mkv"] = "The Matrix (1999)/The Matrix (1999).mkv",
            ["Drama/BB/Season 01/Breaking Bad - S01E01.mkv"] = "Breaking Bad (2008)/Season 01/Breaking Bad - S01E01.mkv",
            ["Drama/BB/Season 01/Breaking Bad - S01E02.mkv"] = "Breaking Bad (2008)/Season 01/Breaking Bad - S01E02.mkv",
        };
        var after = (await FilesAsync(movies)).Concat(await FilesAsync(shows)).ToDictionary(f => f.Key, f => f.Value);
        Assert.That(after.Keys, Is.EquivalentTo(moved.Keys), "the same four media files, at their new paths, and no others");
        foreach (var (to, from) in moved)
        {
            Assert.That(Id(after[to]), Is.EqualTo(before[from]), $"{to} keeps the id it had at {from}");
            Assert.That(after[to].GetProperty("state").GetProperty("exists").GetBoolean(), Is.True);
            var history = (await FileAsync(before[from])).GetProperty("imports").EnumerateArray().ToList();
            Assert.That(history.Select(h => h.GetProperty("method").GetString()), Is.EqualTo(new[] { "move", "scan" }), "its history, newest first");
            Assert.That((history[0].GetProperty("sourcePath").GetString(), history[0].GetProperty("destinationPath").GetString(),
                history[0].GetProperty("recognisedBy").GetString()), Is.EqualTo((from, to, "xattr")));
        }
        Assert.That(await PendingAsync(movies) + await PendingAsync(shows), Is.Zero, "no unmatched entries");
        Assert.That(_tmdb.Requests, Is.Zero, "no TMDB requests");
    }

    [Test]
    public async Task Thousands_of_moves_written_beside_the_walk_keep_every_id_with_a_move_entry_and_nothing_missing()
    {
        // Two thirds of 2,640 media files move to other folders: several chunks of moves per library, written while the
        // walk goes on (MoveMatcher.WriteChunk), decided as soon as the new path is seen and the old one is gone.
        var library = Synthetic("many", 3_000);
        var movies = await _admin.CreateLibraryAsync("Many movies", "movies", library.MoviesRoot, Ct);
        var shows = await _admin.CreateLibraryAsync("Many shows", "series", library.ShowsRoot, Ct);
        await _admin.ScanAsync(movies, null, Ct);
        await _admin.ScanAsync(shows, null, Ct);
        var before = await StoredAsync(movies, shows);
        var pending = await PendingAsync(movies) + await PendingAsync(shows);
        var moved = library.MediaPaths().Where((_, i) => i % 3 != 0)
            .Select((p, i) => (p.Root, From: p.Path, To: $"Reorganised/{i % 40}/{Path.GetFileName(p.Path)}")).ToList();
        foreach (var r in new[] { library.MoviesRoot, library.ShowsRoot })
            Assert.That(moved.Count(m => m.Root == r), Is.GreaterThan(Media.Application.Scanning.MoveMatcher.WriteChunk), "more than a chunk per library");
        foreach (var (root, from, to) in moved) Move(root, from, to);

        _tmdb.ResetCounts();
        var movieScan = await _admin.ScanAsync(movies, null, Ct);
        var showScan = await _admin.ScanAsync(shows, null, Ct);

        Assert.That(movieScan.GetProperty("filesMissing").GetInt32() + showScan.GetProperty("filesMissing").GetInt32(), Is.Zero, "nothing missing");
        Assert.That(movieScan.GetProperty("filesFailed").GetInt32() + showScan.GetProperty("filesFailed").GetInt32(), Is.Zero);
        var expected = AfterMoves(before, moved.Select(m => (m.From, m.To)));
        var after = await StoredAsync(movies, shows);
        Assert.That(after.ToDictionary(a => a.Key, a => a.Value.Id), Is.EquivalentTo(expected), "every id at its new path, no other media file");
        Assert.That(after.Values.All(a => a.Exists), Is.True);
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Infrastructure.Persistence.MediaDbContext>();
        var ours = before.Values.Select(b => b.Id).ToHashSet();
        var entries = (await db.Set<Media.Domain.Imports.ImportAttempt>().Where(i => i.Method == Media.Domain.Imports.ImportMethod.Move)
            .Select(i => new { i.MediaFileId, i.SourcePath, i.DestinationPath }).ToListAsync(Ct)).Where(e => ours.Contains(e.MediaFileId!.Value.Value)).ToList();
        Assert.That(entries.Select(e => (e.MediaFileId!.Value.Value, e.SourcePath, e.DestinationPath)),
            Is.EquivalentTo(moved.Select(m => (before[m.From].Id, m.From, m.To))), "one move entry per moved file");
        Assert.That(await PendingAsync(movies) + await PendingAsync(shows), Is.EqualTo(pending), "no new unmatched entries");
        Assert.That(_tmdb.Requests, Is.Zero, "no TMDB requests");
    }

    /// <summary>A synthetic library of movies and shows on disk, every title of it on the fake TMDB.</summary>
    private Benchmarks.SyntheticLibrary Synthetic(string folder, int files)
    {
        var library = new Benchmarks.SyntheticLibrary(Path.Combine(_root, folder), files);
        library.Create();
        library.Catalogue(_tmdb);
        return library;
    }

    /// <summary>The ids by path once the files moved: each moved file's id at its new path.</summary>
    private static Dictionary<string, Guid> AfterMoves(Dictionary<string, (Guid Id, bool Exists)> before, IEnumerable<(string From, string To)> moved)
    {
        var expected = before.ToDictionary(b => b.Key, b => b.Value.Id);
        foreach (var (from, to) in moved)
        {
            expected.Remove(from, out var id);
            expected[to] = id;
        }
        return expected;
    }

    /// <summary>The media files of two libraries, by path (all of them: no paging).</summary>
    private async Task<Dictionary<string, (Guid Id, bool Exists)>> StoredAsync(params Guid[] libraries)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Infrastructure.Persistence.MediaDbContext>();
        var ids = libraries.Select(l => new Media.Domain.Common.LibraryId(l)).ToList();
        var files = await db.Set<Media.Domain.MediaFiles.MediaFile>().Where(f => ids.Contains(f.LibraryId))
            .Select(f => new { f.Id, f.Path, f.State.Exists }).ToListAsync(Ct);
        return files.ToDictionary(f => f.Path, f => (f.Id.Value, f.Exists));
    }

    [Test]
    public async Task A_file_without_stored_identity_is_recognised_by_device_and_inode()
    {
        var root = Path.Combine(_root, "inode");
        var path = Write(root, "Inception (2010)/Inception (2010).mkv");
        var movies = await _admin.CreateLibraryAsync("Inode movies", "movies", root, Ct);
        await _admin.ScanAsync(movies, null, Ct);
        var id = Id((await FilesAsync(movies))["Inception (2010)/Inception (2010).mkv"]);
        // As if the identity had never been written: xattrs removed, and the state says it was not stored.
        FileIdentity.Forget(path);
        await MarkUntaggedAsync(id);

        _tmdb.ResetCounts();
        Move(root, "Inception (2010)/Inception (2010).mkv", "Inception.2010.mkv");
        var scan = await _admin.ScanAsync(movies, null, Ct);

        Assert.That(scan.GetProperty("filesMissing").GetInt32(), Is.Zero);
        var files = await FilesAsync(movies);
        Assert.That(files.Keys, Is.EqualTo(new[] { "Inception.2010.mkv" }));
        Assert.That(Id(files["Inception.2010.mkv"]), Is.EqualTo(id));
        var entry = (await FileAsync(id)).GetProperty("imports")[0];
        Assert.That((entry.GetProperty("method").GetString(), entry.GetProperty("recognisedBy").GetString()), Is.EqualTo(("move", "inode")));
        Assert.That(_tmdb.Requests, Is.Zero);
    }

    [Test]
    public async Task Hundreds_of_files_without_stored_identity_moved_are_each_recognised_by_inode()
    {
        // More moved files than the matcher looks up before it indexes the known files: the index by inode answers.
        var library = Synthetic("inodes", 1_000);
        var movies = await _admin.CreateLibraryAsync("Inode many", "movies", library.MoviesRoot, Ct);
        await _admin.ScanAsync(movies, null, Ct);
        var before = await StoredAsync(movies);
        foreach (var (path, (id, _)) in before)
        {
            FileIdentity.Forget(Path.Combine(library.MoviesRoot, path));
            await MarkUntaggedAsync(id);
        }
        var moved = before.Keys.Order(StringComparer.Ordinal).Where((_, i) => i % 4 != 0).Select((p, i) => (From: p, To: $"Moved/{i % 7}/{Path.GetFileName(p)}")).ToList();
        Assert.That(moved, Has.Count.GreaterThan(200));
        foreach (var (from, to) in moved) Move(library.MoviesRoot, from, to);

        _tmdb.ResetCounts();
        var scan = await _admin.ScanAsync(movies, null, Ct);

        Assert.That(scan.GetProperty("filesMissing").GetInt32(), Is.Zero);
        var expected = AfterMoves(before, moved);
        Assert.That((await StoredAsync(movies)).ToDictionary(a => a.Key, a => a.Value.Id), Is.EquivalentTo(expected), "every id at its new path");
        var one = moved[moved.Count / 2];
        var entry = (await FileAsync(expected[one.To])).GetProperty("imports")[0];
        Assert.That((entry.GetProperty("method").GetString(), entry.GetProperty("recognisedBy").GetString()), Is.EqualTo(("move", "inode")));
        Assert.That(_tmdb.Requests, Is.Zero);
    }

    [Test]
    public async Task A_different_file_of_the_same_size_at_the_same_path_is_not_the_same_file()
    {
        var root = Path.Combine(_root, "replace");
        var path = Write(root, "Pulp Fiction (1994)/Pulp Fiction (1994).mkv", fill: 1);
        var movies = await _admin.CreateLibraryAsync("Replace movies", "movies", root, Ct);
        await _admin.ScanAsync(movies, null, Ct);
        var old = Id((await FilesAsync(movies))["Pulp Fiction (1994)/Pulp Fiction (1994).mkv"]);

        File.Delete(path);
        Write(root, "Pulp Fiction (1994)/Pulp Fiction (1994).mkv", fill: 2); // same size, maybe even the same inode number
        Write(root, "Fight Club (1999)/Fight Club (1999).mkv", fill: 3);
        var scan = await _admin.ScanAsync(movies, null, Ct);

        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());
        var page = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files?libraryId={movies}&pageSize=50", MediaApiFactory.Json, Ct);
        var rows = page.GetProperty("items").EnumerateArray().ToList();
        var atPath = rows.Where(r => r.GetProperty("path").GetString() == "Pulp Fiction (1994)/Pulp Fiction (1994).mkv").ToList();
        Assert.That(atPath, Has.Count.EqualTo(2), "the old file (missing) and the new one");
        var newer = atPath.Single(r => r.GetProperty("state").GetProperty("exists").GetBoolean());
        Assert.That(Id(newer), Is.Not.EqualTo(old), "the new file is a media file of its own");
        var oldRow = atPath.Single(r => Id(r) == old);
        Assert.That(oldRow.GetProperty("state").GetProperty("exists").GetBoolean(), Is.False, "the old one is missing, with its history");
        Assert.That((await FileAsync(old)).GetProperty("imports").EnumerateArray().Select(h => h.GetProperty("method").GetString()),
            Is.EqualTo(new[] { "scan" }), "no move was recorded");
        Assert.That(FileIdentity.ReadTag(path)?.File.Value, Is.EqualTo(Id(newer)), "the new file carries its own identity");

        // Deleted, and a new file of the same size (and perhaps the same inode number) elsewhere: not a move either.
        var fight = Id((await FilesAsync(movies))["Fight Club (1999)/Fight Club (1999).mkv"]);
        File.Delete(Path.Combine(root, "Fight Club (1999)/Fight Club (1999).mkv"));
        Write(root, "Heat (1995)/Heat (1995).mkv", fill: 4);
        await _admin.ScanAsync(movies, null, Ct);
        var files = await FilesAsync(movies);
        Assert.That(files["Fight Club (1999)/Fight Club (1999).mkv"].GetProperty("state").GetProperty("exists").GetBoolean(), Is.False);
        Assert.That(Id(files["Heat (1995)/Heat (1995).mkv"]), Is.Not.EqualTo(fight));

        // And the path held by two rows (the replaced file, missing, and the new one) scans cleanly again.
        var again = await _admin.ScanAsync(movies, null, Ct);
        Assert.That((again.GetProperty("filesFailed").GetInt32(), again.GetProperty("problemCount").GetInt32(), again.GetProperty("filesMissing").GetInt32()),
            Is.EqualTo((0, 0, 0)), again.ToString());
    }

    [Test]
    public async Task A_copy_with_xattrs_into_a_second_library_is_identified_without_TMDB_and_a_move_between_libraries_keeps_the_id()
    {
        var first = Path.Combine(_root, "copy-a");
        var second = Path.Combine(_root, "copy-b");
        var source = Write(first, "The Matrix (1999)/The Matrix (1999).mkv");
        Write(first, "Heat (1995)/Heat (1995).mkv");
        var a = await _admin.CreateLibraryAsync("Copy A", "movies", first, Ct);
        var b = await _admin.CreateLibraryAsync("Copy B", "movies", second, Ct);
        await _admin.ScanAsync(a, null, Ct);
        var matrix = Id((await FilesAsync(a))["The Matrix (1999)/The Matrix (1999).mkv"]);
        var heat = Id((await FilesAsync(a))["Heat (1995)/Heat (1995).mkv"]);

        _tmdb.ResetCounts();
        // A name that says nothing: only the identity stored in the file can tell what it is.
        Directory.CreateDirectory(Path.Combine(second, "misc"));
        Run("cp", "--preserve=xattr", source, Path.Combine(second, "misc", "copy-0001.mkv"));
        Directory.Move(Path.Combine(first, "Heat (1995)"), Path.Combine(second, "Heat (1995)"));
        var scan = await _admin.ScanAsync(b, null, Ct);

        Assert.That(scan.GetProperty("filesIdentified").GetInt32(), Is.EqualTo(1), scan.ToString());
        var inB = await FilesAsync(b);
        Assert.That(inB.Keys, Is.EquivalentTo(new[] { "misc/copy-0001.mkv", "Heat (1995)/Heat (1995).mkv" }));
        var copy = await FileAsync(Id(inB["misc/copy-0001.mkv"]));
        Assert.That(copy.GetProperty("id").GetGuid(), Is.Not.EqualTo(matrix), "a copy is a file of its own");
        Assert.That(copy.GetProperty("mediaItemId").GetGuid(), Is.EqualTo((await FileAsync(matrix)).GetProperty("mediaItemId").GetGuid()));
        Assert.That(copy.GetProperty("imports")[0].GetProperty("method").GetString(), Is.EqualTo("xattr"));
        Assert.That(FileIdentity.ReadTag(Path.Combine(second, "misc", "copy-0001.mkv"))?.File.Value, Is.EqualTo(copy.GetProperty("id").GetGuid()),
            "the copy now carries its own id");
        Assert.That(Id(inB["Heat (1995)/Heat (1995).mkv"]), Is.EqualTo(heat), "moved between libraries: the same media file");
        var entry = (await FileAsync(heat)).GetProperty("imports")[0];
        Assert.That((entry.GetProperty("method").GetString(), entry.GetProperty("error").GetString()), Is.EqualTo(("move", "Moved from the library 'Copy A'.")));
        Assert.That((await FileAsync(matrix)).GetProperty("state").GetProperty("exists").GetBoolean(), Is.True, "the original stays where it is");
        Assert.That(_tmdb.Requests, Is.Zero, "no TMDB requests");

        // The first library's next scan finds nothing missing: Heat is the second library's now.
        Assert.That((await _admin.ScanAsync(a, null, Ct)).GetProperty("filesMissing").GetInt32(), Is.Zero);
        Assert.That((await FilesAsync(a)).Keys, Is.EqualTo(new[] { "The Matrix (1999)/The Matrix (1999).mkv" }));
    }

    private async Task MarkUntaggedAsync(Guid id)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Infrastructure.Persistence.MediaDbContext>();
        var file = await db.Set<Media.Domain.MediaFiles.MediaFile>().SingleAsync(f => f.Id == new Media.Domain.Common.MediaFileId(id), Ct);
        file.IdentityTagged("removed by the test");
        await db.SaveChangesAsync(Ct);
    }

    private static void Run(string file, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{file} {string.Join(' ', args)}: {process.StandardError.ReadToEnd()}");
    }
}
