using Media.Application.Parsing;

namespace Media.Tests.Parsing;

public sealed class NameParserTests
{
    [TestCase("Movies/The Matrix (1999) {tmdb-603}/The Matrix (1999).mkv", 603)]
    [TestCase("The Matrix (1999) [tmdbid-603].mkv", 603)]
    [TestCase("The Matrix (1999) [tmdbid=603].mkv", 603)]
    [TestCase("The Matrix (1999) tmdbid-603.mkv", 603)]
    [TestCase("The Matrix (1999) {tmdb-603}/The Matrix (1999) {tmdb-604}.mkv", 603)]
    public void Reads_tmdb_tags_and_the_folder_tag_wins(string name, int tmdbId)
    {
        var parsed = NameParser.Parse(name);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.TmdbId, Is.EqualTo(tmdbId));
            Assert.That(parsed.Title, Is.EqualTo("The Matrix"));
            Assert.That(parsed.Year, Is.EqualTo(1999));
            Assert.That(parsed.Kind, Is.EqualTo(ParsedKind.Movie));
        });
    }

    [TestCase("The Matrix (1999) (imdb-tt0133093).mkv")]
    [TestCase("The Matrix (1999) {imdb-tt0133093}.mkv")]
    [TestCase("The Matrix (1999) [imdbid-tt0133093]/The Matrix.mkv")]
    public void Reads_imdb_tags(string name)
    {
        var parsed = NameParser.Parse(name);
        Assert.That(parsed.ImdbId, Is.EqualTo("tt0133093"));
        Assert.That(parsed.Title, Is.EqualTo("The Matrix"));
    }

    [TestCase("Blade Runner 2049 (2017).mkv", "Blade Runner 2049", 2017)]
    [TestCase("1917 (2019).mkv", "1917", 2019)]
    [TestCase("2001 A Space Odyssey (1968).mkv", "2001 A Space Odyssey", 1968)]
    [TestCase("Blade.Runner.2049.2017.2160p.UHD.BluRay.x265-TERMiNAL.mkv", "Blade Runner 2049", 2017)]
    [TestCase("movies/La Science des Rêves (2006)/La.Science.Des.Reves.FRENCH.DVDRip.XviD-MP-AceBot.avi", "La Science des Rêves", 2006)]
    public void Keeps_years_that_belong_to_the_title(string name, string title, int year)
    {
        var parsed = NameParser.Parse(name);
        Assert.That((parsed.Title, parsed.Year, parsed.Kind), Is.EqualTo((title, (int?)year, ParsedKind.Movie)));
    }

    [TestCase("Show.S01E01E02.720p.mkv", 1, new[] { 1, 2 })]
    [TestCase("Show.S01E01-E03.720p.mkv", 1, new[] { 1, 2, 3 })]
    [TestCase("Show 1x05 Title.mkv", 1, new[] { 5 })]
    [TestCase("Show/Season 02/Show - 03.mkv", 2, new[] { 3 })]
    [TestCase("Show/S02/03 - Title.mkv", 2, new[] { 3 })]
    [TestCase("Show/Specials/Show - S00E01.mkv", 0, new[] { 1 })]
    public void Reads_seasons_and_episodes(string name, int season, int[] episodes)
    {
        var parsed = NameParser.Parse(name);
        Assert.That(parsed.Kind, Is.EqualTo(ParsedKind.Episode));
        Assert.That(parsed.Season, Is.EqualTo(season));
        Assert.That(parsed.Episodes, Is.EqualTo(episodes));
    }

    [Test]
    public void Flags_samples_extras_subtitles_and_partial_downloads()
    {
        Assert.That(NameParser.Parse("Movie (2010)/Movie.2010.1080p-sample.mkv").IsSample, Is.True);
        Assert.That(NameParser.Parse("Movie (2010)/Sample/movie.mkv").IsSample, Is.True);
        Assert.That(NameParser.Parse("Movie (2010)/Featurettes/Making of.mkv").IsExtra, Is.True);
        Assert.That(NameParser.Parse("Movie (2010)/Behind The Scenes/Shoot.mkv").Kind, Is.EqualTo(ParsedKind.Other));
        Assert.That(NameParser.Parse("Movie (2010)/Movie (2010)-trailer.mkv").IsExtra, Is.True);
        Assert.That(NameParser.Parse("Movie (2010)/Movie (2010).en.srt").Kind, Is.EqualTo(ParsedKind.Other));
        Assert.That(NameParser.Parse("Movie (2010)/Movie (2010).nfo").IsVideo, Is.False);
        var partial = NameParser.Parse("Movie (2010)/Movie (2010).mkv.part");
        Assert.That((partial.IsPartial, partial.IsVideo), Is.EqualTo((true, true)));
        Assert.That(NameParser.Parse("Movie.2010.1080p.mkv.!qB").IsPartial, Is.True);
        Assert.That(NameParser.Parse("Movie (2010).mkv").IsVideo, Is.True);
    }

    [TestCase("Movie.2010.1080p.BluRay.x264.mkv", "1080p")]
    [TestCase("Movie 2010 4K HDR.mkv", "2160p")]
    [TestCase("[Group] Show - 01 [1920x1080].mkv", "1080p")]
    [TestCase("Movie (2010).mkv", null)]
    public void Reads_the_resolution(string name, string? resolution) =>
        Assert.That(NameParser.Parse(name).Resolution, Is.EqualTo(resolution));

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("/")]
    [TestCase("....")]
    [TestCase("[][][]")]
    [TestCase("S01E999999999999")]
    public void Never_throws_on_odd_names(string name) => Assert.DoesNotThrow(() => NameParser.Parse(name));
}
