using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Application.Downloads;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Storage;

#pragma warning disable CS0618 // [Order]: one library's story told in steps

/// <summary>
/// The storage contract end to end, through the API with the fake TMDB, for a library on a local disk and one in an
/// Azurite container: everything above the storage port (scan, identification, match, missing) is provider-blind.
/// </summary>
[TestFixture(StorageKind.Local), TestFixture(StorageKind.AzureBlob)]
public sealed class StorageApiContractTests(StorageKind kind)
{
    private FakeTmdb _tmdb = null!;
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private StorageUnderTest _root = null!;
    private Guid _library;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (kind == StorageKind.AzureBlob) await Azurite.SharedAsync(); // ignored, saying why, where it cannot run
        _tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(603, "The Matrix", "1999-03-30", ImdbId: "tt0133093"))
            .Add(new FakeMovie(949, "Heat", "1995-12-15"))
            .Add(new FakeMovie(550, "Fight Club", "1999-10-15"));
        _api = await MediaApiFactory.CreateAsync(Provider.Sqlite, settings: MediaApiFactory.TmdbSettings(_tmdb));
        _admin = _api.Admin();
        _root = await StorageUnderTest.CreateAsync(kind, _api.Services.GetRequiredService<ISecretProtector>());

        await _root.PutAsync("The Matrix (1999)/The Matrix (1999).mkv", new byte[1000]);
        await _root.PutAsync("The Matrix (1999)/Featurettes/Making of The Matrix.mkv", new byte[10]);
        await _root.PutAsync("Heat (1995)/Heat (1995).mkv", new byte[2000]);
        await _root.PutAsync("Heat (1995)/Heat (1995).nfo", new byte[5]);
        await _root.PutAsync("Project Mayhem (1999)/Project.Mayhem.1999.mkv", new byte[3000]);
        await _root.PutAsync("@eaDir/Heat (1995).mkv", new byte[10]);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin?.Dispose();
        if (_root is not null) await _root.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        if (_tmdb is not null) await _tmdb.DisposeAsync();
    }

    private async Task<JsonElement> GetAsync(string path) => await _admin.GetFromJsonAsync<JsonElement>(path, MediaApiFactory.Json, Ct);

    private async Task<List<(string Path, bool Exists, long Size)>> FilesAsync()
    {
        var page = await GetAsync($"/v1/media-files?libraryId={_library}&pageSize=500");
        return page.GetProperty("items").EnumerateArray()
            .Select(f => (f.GetProperty("path").GetString()!, f.GetProperty("state").GetProperty("exists").GetBoolean(), f.GetProperty("state").GetProperty("size").GetInt64()))
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    private async Task PutStorageAsync(object storage)
    {
        using var response = await _admin.PutAsJsonAsync($"/v1/libraries/{_library}", new { name = "Movies", kind = "movies", storage }, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync(Ct));
    }

    [Test, Order(1)]
    public async Task FirstScan_IdentifiesOnTmdb_QueuesTheUnknown_AndSkipsWhatADiskScanSkips()
    {
        using var created = await _admin.PostAsJsonAsync("/v1/libraries", new { name = "Movies", kind = "movies", storage = _root.ApiStorage }, Ct);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Ct));
        _library = (await created.JsonAsync()).GetProperty("id").GetGuid();

        var scan = await _admin.ScanAsync(_library, null, Ct);

        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());
        Assert.That((scan.GetProperty("filesSeen").GetInt32(), scan.GetProperty("filesIdentified").GetInt32(), scan.GetProperty("filesUnmatched").GetInt32()),
            Is.EqualTo((3, 2, 1)), scan.ToString());
        var skipped = scan.GetProperty("skipped");
        Assert.That((skipped.GetProperty("systemFolders").GetInt32(), skipped.GetProperty("extrasFolders").GetInt32(), skipped.GetProperty("notVideo").GetInt32()),
            Is.EqualTo((1, 1, 1)), "@eaDir, Featurettes inside a title's folder, the .nfo");
        Assert.That(await FilesAsync(), Is.EqualTo(new[]
        {
            ("Heat (1995)/Heat (1995).mkv", true, 2000L), ("The Matrix (1999)/The Matrix (1999).mkv", true, 1000L),
        }));
    }

    [Test, Order(2)]
    public async Task Match_OfAnUnmatchedFile_StatsItInTheStorage_AndRecordsIt()
    {
        var queue = await GetAsync($"/v1/unmatched-files?libraryId={_library}");
        var entry = queue.GetProperty("items").EnumerateArray().Single();
        Assert.That(entry.GetProperty("path").GetString(), Is.EqualTo("Project Mayhem (1999)/Project.Mayhem.1999.mkv"));

        using var matched = await _admin.PostAsJsonAsync($"/v1/unmatched-files/{entry.GetProperty("id").GetGuid()}/match", new { tmdbId = 550, type = "movie" }, Ct);

        Assert.That(matched.StatusCode, Is.EqualTo(HttpStatusCode.OK), await matched.Content.ReadAsStringAsync(Ct));
        var file = await matched.JsonAsync();
        Assert.That(file.GetProperty("state").GetProperty("size").GetInt64(), Is.EqualTo(3000), "the size comes from a fresh stat of the file");
        Assert.That((await FilesAsync()).Count, Is.EqualTo(3));
    }

    [Test, Order(3)]
    public async Task Rescan_AfterAFileIsDeleted_MarksExactlyItMissing()
    {
        await _root.DeleteAsync("Heat (1995)/Heat (1995).mkv");

        var scan = await _admin.ScanAsync(_library, null, Ct);

        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"), scan.ToString());
        Assert.That(scan.GetProperty("filesMissing").GetInt32(), Is.EqualTo(1));
        Assert.That(await FilesAsync(), Is.EqualTo(new[]
        {
            ("Heat (1995)/Heat (1995).mkv", false, 2000L), ("Project Mayhem (1999)/Project.Mayhem.1999.mkv", true, 3000L),
            ("The Matrix (1999)/The Matrix (1999).mkv", true, 1000L),
        }));
    }

    [Test, Order(4)]
    public async Task Scan_OfAnUnavailableRoot_Fails_AndMarksNothingMissing()
    {
        var before = await FilesAsync();
        foreach (var (why, _, storage) in _root.Unavailable())
        {
            await PutStorageAsync(storage);
            var scan = await _admin.ScanAsync(_library, null, Ct);
            Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("failed"), why);
            Assert.That(scan.GetProperty("error").GetString(), Does.Contain("unavailable"), why);
            Assert.That(await FilesAsync(), Is.EqualTo(before), $"{why}: nothing was marked missing");
        }

        await PutStorageAsync(_root.ApiStorage);
        Assert.That((await _admin.ScanAsync(_library, null, Ct)).GetProperty("status").GetString(), Is.EqualTo("completed"));
    }

    [Test, Order(5)]
    public async Task Match_WhileTheStorageCannotBeReached_Answers503_AndKeepsTheEntryPending()
    {
        await _root.PutAsync("Paper Street (1999)/Paper.Street.1999.mkv", new byte[4000]);
        await _admin.ScanAsync(_library, null, Ct);
        var queue = await GetAsync($"/v1/unmatched-files?libraryId={_library}&status=pending");
        var entry = queue.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("path").GetString()!.StartsWith("Paper Street", StringComparison.Ordinal));
        var id = entry.GetProperty("id").GetGuid();
        var before = await FilesAsync();

        foreach (var (why, _, storage) in _root.Unavailable())
        {
            await PutStorageAsync(storage);
            using var matched = await _admin.PostAsJsonAsync($"/v1/unmatched-files/{id}/match", new { tmdbId = 550, type = "movie" }, Ct);
            var body = await matched.Content.ReadAsStringAsync(Ct);
            Assert.That(matched.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), $"{why}: {body}");
            Assert.That(body, Does.Contain("storage.unavailable"), why);
            Assert.That((await GetAsync($"/v1/unmatched-files/{id}")).GetProperty("status").GetString(), Is.EqualTo("pending"), why);
            Assert.That(await FilesAsync(), Is.EqualTo(before), $"{why}: no media file was made");
        }

        await PutStorageAsync(_root.ApiStorage);
        using var again = await _admin.PostAsJsonAsync($"/v1/unmatched-files/{id}/match", new { tmdbId = 550, type = "movie" }, Ct);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), await again.Content.ReadAsStringAsync(Ct));
    }
}
