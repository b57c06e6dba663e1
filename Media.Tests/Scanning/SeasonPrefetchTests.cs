using Media.Tests.Support;

namespace Media.Tests.Scanning;

/// <summary>
/// A new show's seasons are asked from TMDB together, as soon as the show is known, not one at a time while its
/// files are decided (issue 14): the client's request budget stays busy, and the count stays one per season.
/// </summary>
[TestFixture(Provider.Postgres)]
public sealed class SeasonPrefetchTests(Provider provider)
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task The_seasons_on_disk_are_asked_at_once_and_each_only_once()
    {
        var seasons = Enumerable.Range(1, 6).ToDictionary(n => n, n => new[] { new FakeEpisode(1, $"S{n} first"), new FakeEpisode(2, $"S{n} second") });
        await using var tmdb = (await FakeTmdb.StartAsync()).Add(new FakeSeries(77_001, "Long Runner", "2015-01-01", seasons));
        await using var api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(tmdb));
        using var admin = api.Admin();
        var root = Path.Combine(Path.GetTempPath(), $"media-seasons-{Guid.NewGuid():N}");
        try
        {
            foreach (var n in seasons.Keys)
                for (var e = 1; e <= 2; e++)
                    TestFiles.Write(root, $"Long Runner (2015)/Season {n:00}/Long.Runner.S{n:00}E{e:00}.mkv", 100 * n + e);
            var library = await admin.CreateLibraryAsync("Shows", "series", root, Ct);
            tmdb.ResetCounts();
            tmdb.Latency = TimeSpan.FromMilliseconds(100); // so that requests made together overlap for certain

            var scan = await admin.ScanAsync(library, null, Ct);

            Assert.Multiple(() =>
            {
                Assert.That(scan.GetProperty("filesIdentified").GetInt32(), Is.EqualTo(12), scan.ToString());
                Assert.That(tmdb.RequestsTo("/3/search/tv"), Is.EqualTo(1), "one search for the show");
                Assert.That(tmdb.RequestsTo("/3/tv/77001/season/"), Is.EqualTo(6), "one request per season, none twice");
                Assert.That(tmdb.MaxInFlight, Is.GreaterThan(1), "the seasons were asked together");
            });
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
    [Test]
    public async Task Shows_spanning_several_batches_are_searched_once_and_each_season_asked_once()
    {
        // 2 shows x 3 seasons x 100 episodes: 600 files, more than two batches of 256, each show across a boundary.
        FakeSeries Show(int id, string name) => new(id, name, "2010-01-01",
            Enumerable.Range(1, 3).ToDictionary(n => n, n => Enumerable.Range(1, 100).Select(e => new FakeEpisode(e, $"{name} {n}x{e}")).ToArray()));
        await using var tmdb = (await FakeTmdb.StartAsync()).Add(Show(77_101, "Batch Crosser")).Add(Show(77_102, "Other Crosser"));
        await using var api = await MediaApiFactory.CreateAsync(provider, settings: MediaApiFactory.TmdbSettings(tmdb));
        using var admin = api.Admin();
        var root = Path.Combine(Path.GetTempPath(), $"media-batches-{Guid.NewGuid():N}");
        try
        {
            foreach (var name in new[] { "Batch Crosser", "Other Crosser" })
                for (var n = 1; n <= 3; n++)
                    for (var e = 1; e <= 100; e++)
                        TestFiles.Write(root, $"{name} (2010)/Season {n}/{name.Replace(' ', '.')}.S{n:00}E{e:00}.mkv", e);
            var library = await admin.CreateLibraryAsync("Shows", "series", root, Ct);
            tmdb.ResetCounts();
            tmdb.Latency = TimeSpan.FromMilliseconds(20);

            var scan = await admin.ScanAsync(library, null, Ct);

            Assert.Multiple(() =>
            {
                Assert.That(scan.GetProperty("filesIdentified").GetInt32(), Is.EqualTo(600), scan.ToString());
                Assert.That(tmdb.RequestsTo("/3/search/tv"), Is.EqualTo(2), "one search per show");
                Assert.That(tmdb.RequestsTo("/3/tv/77101/season/"), Is.EqualTo(3), "one request per season");
                Assert.That(tmdb.RequestsTo("/3/tv/77102/season/"), Is.EqualTo(3), "one request per season");
                Assert.That(tmdb.Requests, Is.EqualTo(8), "nothing else");
            });
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
