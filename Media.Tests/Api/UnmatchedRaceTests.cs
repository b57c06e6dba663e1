using System.Net;
using System.Net.Http.Json;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Domain.Unmatched;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>Racing clients resolving the same queue entry: exactly one transition wins, the others change nothing.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class UnmatchedRaceTests(Provider provider)
{
    private const int Races = 16;

    private FakeTmdb _tmdb = null!;
    private MediaApiFactory _api = null!;
    private string _root = null!;
    private Guid _library;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _tmdb = (await FakeTmdb.StartAsync()).Add(new FakeMovie(603, "The Matrix", "1999-03-30")).Add(new FakeMovie(949, "Heat", "1995-12-15"));
        _api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(_tmdb));
        _root = Path.Combine(Path.GetTempPath(), $"media-race-{Guid.NewGuid():N}");
        for (var i = 0; i < Races; i++) TestFiles.Write(_root, $"Unknown Thing {i} (2001)/Unknown.Thing.{i}.2001.mkv", 1000 + i);
        using var admin = _api.Admin();
        _library = await admin.CreateLibraryAsync("Race", "movies", _root, Ct);
        Assert.That((await admin.ScanAsync(_library, null, Ct)).GetProperty("filesUnmatched").GetInt32(), Is.EqualTo(Races));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _api.DisposeAsync();
        await _tmdb.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task Match_and_dismiss_at_once_have_exactly_one_winner_and_the_losers_change_nothing()
    {
        var clients = Enumerable.Range(0, 4).Select(_ => _api.Admin()).ToList();
        try
        {
            var entries = await Db(db => db.Set<UnmatchedFile>().AsNoTracking().Where(u => u.LibraryId == new LibraryId(_library)).ToListAsync(Ct));
            Assert.That(entries, Has.Count.EqualTo(Races));
            foreach (var entry in entries)
            {
                var id = entry.Id.Value;
                using var start = new SemaphoreSlim(0);
                var calls = new[]
                {
                    Race(start, () => clients[0].PostAsJsonAsync($"/v1/unmatched-files/{id}/match", new { tmdbId = 603, type = "movie" }, Ct)),
                    Race(start, () => clients[1].PostAsync($"/v1/unmatched-files/{id}/dismiss", null, Ct)),
                    Race(start, () => clients[2].PostAsJsonAsync($"/v1/unmatched-files/{id}/match", new { tmdbId = 949, type = "movie" }, Ct)),
                    Race(start, () => clients[3].PostAsync($"/v1/unmatched-files/{id}/dismiss", null, Ct)),
                };
                start.Release(calls.Length);
                var answers = await Task.WhenAll(calls);
                var statuses = answers.Select(a => a.Status).ToList();
                Assert.That(statuses.Count(s => (int)s is >= 200 and < 300), Is.EqualTo(1), $"{entry.Path}: {string.Join(", ", answers.Select(a => $"{(int)a.Status} {a.Body}"))}");
                Assert.That(statuses.Where(s => (int)s is < 200 or >= 300), Has.All.EqualTo(HttpStatusCode.Conflict), string.Join(", ", answers.Select(a => a.Body)));

                var after = await Db(db => db.Set<UnmatchedFile>().AsNoTracking().SingleAsync(u => u.Id == entry.Id, Ct));
                var files = await Db(db => db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == entry.LibraryId && f.Path == entry.Path).ToListAsync(Ct));
                var imports = await Db(db => db.Set<ImportAttempt>().AsNoTracking().Where(i => i.SourcePath == entry.Path).ToListAsync(Ct));
                if (after.Status == UnmatchedStatus.Matched)
                {
                    Assert.That(files, Has.Count.EqualTo(1), entry.Path);
                    Assert.That(after.MediaFileId, Is.EqualTo(files[0].Id), "the matched entry owns the file");
                    Assert.That(imports.Select(i => i.MediaFileId), Is.EqualTo(new MediaFileId?[] { files[0].Id }), "one manual_match record");
                    Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(1));
                }
                else
                {
                    Assert.That(after.Status, Is.EqualTo(UnmatchedStatus.Dismissed), entry.Path);
                    Assert.That(after.MediaFileId, Is.Null, "a dismissed entry owns no file");
                    Assert.That(files, Is.Empty, "no media file was created for a dismissed entry");
                    Assert.That(imports, Is.Empty, "no import record for a dismissed entry");
                }
            }
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> Race(SemaphoreSlim start, Func<Task<HttpResponseMessage>> call)
    {
        await start.WaitAsync();
        using var response = await call();
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<T> Db<T>(Func<MediaDbContext, Task<T>> query)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MediaDbContext>());
    }
}
