using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Libraries;
using Media.Domain.Unmatched;
using Media.Infrastructure.Persistence;
using Media.Infrastructure.Persistence.Repositories;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>
/// Deep pages of the unmatched queue start from bookmarks learnt on earlier reads (here every 4th entry, so that a
/// small queue has many): every page, both ways, is still its slice of the whole list, of the whole queue and of a
/// library's; and a queue that changed (an entry dismissed, entries discovered before all the others, another
/// library's entry) is read from fresh bookmarks, never from the old ones.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class QueueBookmarkTests(Provider provider)
{
    private const int Entries = 41;
    private readonly QueueBookmarks _bookmarks = new(spacing: 4);
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private Library _library = null!;
    private Library _other = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(provider, services => services.AddSingleton(_bookmarks));
        _admin = _api.Admin();
        var now = DateTimeOffset.UtcNow;
        _library = Library.Create("Movies", LibraryKind.Movies, StorageLocation.Local($"/srv/bookmarks-{Guid.NewGuid():N}"), now).Value;
        _other = Library.Create("Other", LibraryKind.Movies, StorageLocation.Local($"/srv/bookmarks-{Guid.NewGuid():N}"), now).Value;
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        db.AddRange(_library, _other);
        // Discovered in threes at the same moment (as a scan's batch is): the order's tie-break (the id) decides.
        for (var i = 0; i < Entries; i++)
            db.Add(UnmatchedFile.Discover(i % 5 == 0 ? _other.Id : _library.Id, $"Odd {i:00}.mkv", 10 + i, [], now.AddMinutes(i / 3)));
        await db.SaveChangesAsync(Ct);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
    }

    [Test]
    public async Task EveryPage_FromBookmarks_IsItsSliceOfTheWholeList()
    {
        foreach (var list in Lists()) await AssertEveryPageAsync(list);
        Assert.That(_bookmarks.Count, Is.GreaterThan(0), "deep pages were read from bookmarks");
    }

    [Test]
    public async Task AChangedQueue_IsReadFromFreshBookmarks()
    {
        foreach (var list in Lists()) await AssertEveryPageAsync(list);
        var learnt = _bookmarks.Count;

        // An entry in the middle dismissed and one discovered before all the others, at once: as many entries as
        // before (the counts alone would not tell), every entry between them a place further on.
        var (middle, _) = await PageAsync($"/v1/unmatched-files?libraryId={_library.Id.Value}&pageSize=1&page=15");
        using (var dismissed = await _admin.PostAsync($"/v1/unmatched-files/{middle[0]}/dismiss", null, Ct))
            Assert.That(dismissed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await DiscoverEarlyAsync(_library.Id);
        foreach (var list in Lists()) await AssertEveryPageAsync(list);

        // More entries before all the others, in both libraries.
        foreach (var library in new[] { _library.Id, _other.Id, _library.Id }) await DiscoverEarlyAsync(library);
        foreach (var list in Lists()) await AssertEveryPageAsync(list);
        Assert.That(learnt, Is.GreaterThan(0));
    }

    private async Task DiscoverEarlyAsync(Media.Domain.Common.LibraryId library)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        db.Add(UnmatchedFile.Discover(library, $"Early {Guid.NewGuid():N}.mkv", 1, [], DateTimeOffset.UtcNow.AddDays(-1)));
        await db.SaveChangesAsync(Ct);
    }

    private IEnumerable<string> Lists() =>
    [
        "/v1/unmatched-files?sortDirection=asc",
        "/v1/unmatched-files?sortDirection=desc",
        $"/v1/unmatched-files?libraryId={_library.Id.Value}&sortDirection=asc",
        $"/v1/unmatched-files?libraryId={_library.Id.Value}&sortDirection=desc",
    ];

    private async Task AssertEveryPageAsync(string list)
    {
        var (whole, total) = await PageAsync($"{list}&pageSize=500");
        Assert.That(whole, Has.Count.EqualTo(total), "the total counts what the list holds");
        foreach (var size in new[] { 1, 2, 3, 7 })
        {
            var pages = (total + size - 1) / size;
            var joined = new List<string>();
            for (var page = 1; page <= pages + 1; page++)
            {
                var (ids, count) = await PageAsync($"{list}&pageSize={size}&page={page}");
                Assert.That(count, Is.EqualTo(total));
                Assert.That(ids, Is.EqualTo(whole.Skip((page - 1) * size).Take(size).ToList()), $"{list}: page {page} of size {size}");
                joined.AddRange(ids);
            }
            Assert.That(joined, Is.EqualTo(whole), $"{list}: pages of {size}");
            // Read again, from the end towards the start: the bookmarks learnt going forward serve these.
            for (var page = pages; page >= 1; page--)
            {
                var (ids, _) = await PageAsync($"{list}&pageSize={size}&page={page}");
                Assert.That(ids, Is.EqualTo(whole.Skip((page - 1) * size).Take(size).ToList()), $"{list}: page {page} of size {size}, read backwards");
            }
        }
    }

    private async Task<(List<string> Ids, int Total)> PageAsync(string url)
    {
        var body = await _admin.GetFromJsonAsync<JsonElement>(url, MediaApiFactory.Json, Ct);
        return (body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList(), body.GetProperty("totalCount").GetInt32());
    }
}
