using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>
/// Pages past the middle are read from the other end (the last page costs what the first does): every page, in both
/// directions and at several sizes, is exactly its slice of the whole list, and the pages together are the list.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class PagingApiTests(Provider provider)
{
    private const int Titles = 23;
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _library = "";

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(provider);
        _admin = _api.Admin();
        var now = DateTimeOffset.UtcNow;
        var library = Library.Create("Movies", LibraryKind.Movies, StorageLocation.Local($"/srv/paging-{Guid.NewGuid():N}"), now).Value;
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        db.Add(library);
        for (var i = 0; i < Titles; i++)
        {
            // Some titles alike: the order's tie-break (the id) decides between them, in both directions.
            var item = MediaItem.Create(MediaType.Movie, 1000 + i, $"Title {i % 7:00}", null, 1990 + i, now.AddMinutes(i));
            db.Add(item);
            var file = MediaFile.CreateForEpisodes(library, item, [], $"Folder {i % 5}/Title {i:00}.mkv", FileState.Verified(1000 + i, now), now.AddMinutes(i)).Value;
            if (i % 4 == 1) file.MarkMissing(now);
            db.Add(file);
            // Attempts at the same moment in pairs: ties again.
            db.Add(ImportAttempt.Success(ImportMethod.Scan, file.Id, file.Path, file.Path, now.AddMinutes(i / 2)));
            // Queue entries discovered in pairs at the same moment, in three folders.
            db.Add(Media.Domain.Unmatched.UnmatchedFile.Discover(library.Id, $"Queue {i % 3}/Odd {i:00}.mkv", 10 + i, [], now.AddMinutes(i / 2)));
        }
        // Titles of the other type and failed attempts: lists narrowed to one type or one outcome.
        db.Add(MediaItem.Create(MediaType.Series, 5000, "A Show", null, 2001, now));
        db.Add(MediaItem.Create(MediaType.Series, 5001, "Another Show", null, 2002, now));
        for (var i = 0; i < 3; i++)
            db.Add(ImportAttempt.Failure(ImportMethod.Copy, "import.failed", "It failed.", $"/downloads/{i}.mkv", $"{i}.mkv", now.AddMinutes(i)));
        await db.SaveChangesAsync(Ct);
        _library = library.Id.Value.ToString();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
    }

    private async Task<(List<string> Ids, int Total)> PageAsync(string url)
    {
        var body = await _admin.GetFromJsonAsync<JsonElement>(url, MediaApiFactory.Json, Ct);
        return (body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList(), body.GetProperty("totalCount").GetInt32());
    }

    [TestCase("/v1/media-items?sortKey=title&sortDirection=asc")]
    [TestCase("/v1/media-items?sortKey=title&sortDirection=desc")]
    [TestCase("/v1/media-items?sortKey=year&sortDirection=desc")]
    [TestCase("/v1/media-files?sortKey=path&sortDirection=asc")]
    [TestCase("/v1/media-files?sortKey=path&sortDirection=desc")]
    [TestCase("/v1/media-files?sortKey=path&sortDirection=desc&exists=true")]
    [TestCase("/v1/media-files?sortKey=path&exists=false")]
    [TestCase("/v1/media-files?sortKey=createdAt&sortDirection=desc&exists=false")]
    [TestCase("/v1/imports?sortDirection=asc&sortKey=attemptedAt")]
    [TestCase("/v1/imports?succeeded=true")]
    [TestCase("/v1/imports?succeeded=false&sortDirection=asc")]
    [TestCase("/v1/media-items?type=movie&sortKey=title")]
    [TestCase("/v1/media-items?type=series&sortKey=year&sortDirection=desc")]
    [TestCase("/v1/media-files?libraryId={library}&sortKey=path")]
    [TestCase("/v1/media-files?libraryId={library}&exists=true&sortKey=path&sortDirection=desc")]
    [TestCase("/v1/unmatched-files?sortDirection=asc")]
    [TestCase("/v1/unmatched-files?sortDirection=desc")]
    [TestCase("/v1/unmatched-files?folder=Queue%201")]
    public async Task EveryPage_IsItsSliceOfTheWholeList(string list)
    {
        list = list.Replace("{library}", _library, StringComparison.Ordinal);
        var (whole, total) = await PageAsync($"{list}&pageSize=500");
        Assert.That(whole, Has.Count.EqualTo(total), "the total counts what the list holds");
        if (list.Contains("exists=false", StringComparison.Ordinal)) Assert.That(total, Is.EqualTo(6));
        if (list.Contains("exists=true", StringComparison.Ordinal)) Assert.That(total, Is.EqualTo(Titles - 6));
        Assert.That(total, Is.GreaterThan(0));
        foreach (var size in new[] { 1, 2, 5, 7, 22, 23, 50 })
        {
            var pages = (total + size - 1) / size;
            var joined = new List<string>();
            for (var page = 1; page <= pages + 1; page++)
            {
                var (ids, count) = await PageAsync($"{list}&pageSize={size}&page={page}");
                Assert.That(count, Is.EqualTo(total));
                Assert.That(ids, Is.EqualTo(whole.Skip((page - 1) * size).Take(size).ToList()), $"page {page} of size {size}");
                joined.AddRange(ids);
            }
            Assert.That(joined, Is.EqualTo(whole), $"pages of {size}");
        }
    }
}
