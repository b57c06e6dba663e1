using Media.Application.Metadata;
using Media.Application.Parsing;
using Media.Application.Scanning;
using Media.Domain.Libraries;
using Media.Domain.MediaItems;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace Media.Tests.Scanning;

/// <summary>
/// What the prefetch asked is handed to the decision of its files as it was answered: asked again, the metadata
/// source answers from its cache but parses the answer's text again, on the scan's path (a first scan of 40,000
/// movies parsed every search answer twice).
/// </summary>
public sealed class PrefetchHandOverTests
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static IScanStore EmptyStore()
    {
        var store = Substitute.For<IScanStore>();
        store.ItemsAsync(Arg.Any<MediaType>(), Arg.Any<CancellationToken>()).Returns(AsyncEnumerable.Empty<KnownItem>());
        store.EnsureItemAsync(Arg.Any<MediaItem>(), Arg.Any<CancellationToken>()).Returns(call => call.Arg<MediaItem>());
        store.EnsureSeasonAsync(Arg.Any<MediaItem>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(call => call.Arg<MediaItem>());
        return store;
    }

    private static IMetadataSource Tmdb()
    {
        var tmdb = Substitute.For<IMetadataSource>();
        tmdb.IsConfigured.Returns(true);
        return tmdb;
    }

    [Test]
    public async Task A_movie_search_the_prefetch_made_is_not_asked_again_when_its_file_is_decided()
    {
        var tmdb = Tmdb();
        tmdb.SearchAsync(MediaType.Movie, "Heat", 1995, Arg.Any<CancellationToken>())
            .Returns([new MetadataCandidate(949, MediaType.Movie, "Heat", "Heat", 1995, 40, "A crew of thieves.", "/heat.jpg")]);
        var library = Library.Create("Movies", LibraryKind.Movies, StorageLocation.Local("/srv/movies"), At).Value;
        var identifier = new Identifier(EmptyStore(), tmdb, library, TimeProvider.System, NullLogger.Instance);
        const string path = "Heat (1995)/Heat.1995.1080p.BluRay.mkv";
        var parsed = NameParser.Parse(path, ParseHint.Movie);

        await await identifier.PrefetchAsync([(path, parsed)], Ct);
        var found = await identifier.IdentifyAsync(path, parsed, Ct);

        Assert.That((found.Item?.TmdbId, found.Item?.Title, found.Item?.Overview), Is.EqualTo(((int?)949, "Heat", "A crew of thieves.")));
        await tmdb.Received(1).SearchAsync(MediaType.Movie, "Heat", 1995, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task A_show_and_its_season_the_prefetch_asked_are_not_asked_again_when_its_files_are_decided()
    {
        var tmdb = Tmdb();
        tmdb.SearchAsync(MediaType.Series, "Long Runner", 2015, Arg.Any<CancellationToken>())
            .Returns([new MetadataCandidate(77_001, MediaType.Series, "Long Runner", "Long Runner", 2015, 40, null, null)]);
        tmdb.GetSeasonAsync(77_001, 1, Arg.Any<CancellationToken>())
            .Returns(new SeasonMetadata(1, "Season 1", [new EpisodeMetadata(1, "Pilot", null), new EpisodeMetadata(2, "Second", null)]));
        var library = Library.Create("Shows", LibraryKind.Series, StorageLocation.Local("/srv/shows"), At).Value;
        var identifier = new Identifier(EmptyStore(), tmdb, library, TimeProvider.System, NullLogger.Instance);
        (string Path, ParsedName Parsed)[] files =
        [
            .. new[] { 1, 2 }.Select(e => $"Long Runner (2015)/Season 01/Long.Runner.S01E0{e}.mkv").Select(p => (p, NameParser.Parse(p, ParseHint.Series))),
        ];

        await await identifier.PrefetchAsync(files, Ct);
        var found = new List<Identification>();
        foreach (var (path, parsed) in files) found.Add(await identifier.IdentifyAsync(path, parsed, Ct));

        Assert.That(found.Select(f => (f.Item?.TmdbId, f.Episodes.Single().Title)), Is.EqualTo(new[] { ((int?)77_001, "Pilot"), (77_001, "Second") }));
        await tmdb.Received(1).SearchAsync(MediaType.Series, "Long Runner", 2015, Arg.Any<CancellationToken>());
        await tmdb.Received(1).GetSeasonAsync(77_001, 1, Arg.Any<CancellationToken>());
    }
}
