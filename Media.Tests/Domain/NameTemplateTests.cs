using Media.Domain.Naming;

namespace Media.Tests.Domain;

public sealed class NameTemplateTests
{
    private static string Movie(string pattern, NamingValues values) => TemplateRenderer.Render(pattern, TemplateKind.Movie, values).Value;

    private static string Episode(string pattern, NamingValues values) => TemplateRenderer.Render(pattern, TemplateKind.Episode, values).Value;

    [Test]
    public void Renders_the_plex_and_jellyfin_friendly_defaults()
    {
        Assert.That(Movie(NameTemplate.DefaultMoviePattern, new("The Matrix", 1999, 603)), Is.EqualTo("The Matrix (1999)/The Matrix (1999)"));
        Assert.That(Episode(NameTemplate.DefaultEpisodePattern, new("Breaking Bad", 2008, 1396, Season: 2, Episodes: [1], EpisodeTitle: "Seven Thirty-Seven")),
            Is.EqualTo("Breaking Bad (2008)/Season 02/Breaking Bad - S02E01 - Seven Thirty-Seven"));
    }

    [Test]
    public void Renders_multi_episode_ranges()
    {
        var values = new NamingValues("Severance", 2022, 95396, Season: 1, Episodes: [1, 2], EpisodeTitle: "Good News About Hell");
        Assert.That(Episode(NameTemplate.DefaultEpisodePattern, values), Does.EndWith("Severance - S01E01-E02 - Good News About Hell"));
        Assert.That(Episode("{Series Title}/{Season}x{Episode:00}", values), Is.EqualTo("Severance/1x01-02"));
    }

    [Test]
    public void Replaces_characters_file_systems_refuse_and_never_adds_folders()
    {
        var name = Movie(NameTemplate.DefaultMoviePattern, new("Mission: Impossible / Fallout? <Cut> \"Final\" |x|*", 2018, 353081));
        Assert.That(name, Is.EqualTo("Mission- Impossible - Fallout_ _Cut_ _Final_ -x-_ (2018)/Mission- Impossible - Fallout_ _Cut_ _Final_ -x-_ (2018)"));
        Assert.That(Movie("{Title}", new("../../etc/passwd", null, 1)), Does.Not.Contain("/").And.Not.StartWith(".."));
        Assert.That(Movie("{Title} ({Year})", new("Tab\there", null, 1)), Is.EqualTo("Tabhere"), "no control characters, no empty brackets");
    }

    [Test]
    public void Keeps_segments_short_and_drops_dangling_separators()
    {
        var name = Movie("{Title}", new(new string('a', 500), 2000, 1));
        Assert.That(name, Has.Length.EqualTo(TemplateRenderer.MaxSegmentLength));
        Assert.That(Episode("{Series Title} - S{Season:00}E{Episode:00} - {Episode Title}", new("Show", null, 1, Season: 1, Episodes: [3])),
            Is.EqualTo("Show - S01E03"), "no trailing dash when the episode has no title");
        Assert.That(Movie("{Title}. ", new("Name", null, 1)), Is.EqualTo("Name"), "no trailing dots or spaces (Windows)");
    }

    [TestCase("{Title} ({Year}) {Episode}", TemplateKind.Movie)]
    [TestCase("{Name}", TemplateKind.Movie)]
    [TestCase("{Title:xx}", TemplateKind.Movie)]
    [TestCase("/abs/{Title}", TemplateKind.Movie)]
    [TestCase("{Series Title} - S{Season:00}", TemplateKind.Episode)]
    [TestCase("{Title", TemplateKind.Movie)]
    [TestCase("", TemplateKind.Movie)]
    public void Refuses_bad_patterns(string pattern, TemplateKind kind) =>
        Assert.That(TemplateRenderer.Validate(pattern, kind).IsFailure);

    [Test]
    public void An_episode_name_needs_season_and_episodes() =>
        Assert.That(TemplateRenderer.Render(NameTemplate.DefaultEpisodePattern, TemplateKind.Episode, new("Show", 2000, 1)).IsFailure);
}
