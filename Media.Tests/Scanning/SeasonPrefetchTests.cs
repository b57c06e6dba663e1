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
}
