using Media.Application.Parsing;

namespace Media.Tests.Parsing;

/// <summary>
/// Titles that are, or hold, numbers (issue 11). Each case names its source: the title as TMDB lists it. In a movie
/// library a name is a movie unless it carries an explicit marker; without a hint, a number with a year after it is
/// part of the title.
/// </summary>
public sealed class NumberTitleTests
{
    [TestCase("Room 237 (2012).mkv", "Room 237", 2012)]                                    // TMDB movie 1398, Room 237 (2012)
    [TestCase("The.400.Blows.1959.1080p.BluRay.x264.mkv", "The 400 Blows", 1959)]          // TMDB movie 147, The 400 Blows (1959)
    [TestCase("300 (2007).mkv", "300", 2007)]                                                // TMDB movie 1271, 300 (2007)
    [TestCase("300.2006.1080p.BluRay.x264-GRP.mkv", "300", 2006)]                             // TMDB movie 1271 (a release with its festival year)
    [TestCase("1917 (2019)/1917.2019.2160p.mkv", "1917", 2019)]                               // TMDB movie 530915, 1917 (2019)
    [TestCase("2012 (2009).mkv", "2012", 2009)]                                              // TMDB movie 14161, 2012 (2009)
    [TestCase("2046.2004.720p.mkv", "2046", 2004)]                                            // TMDB movie 844, 2046 (2004)
    [TestCase("127 Hours (2010).mkv", "127 Hours", 2010)]                                     // TMDB movie 44115, 127 Hours (2010)
    [TestCase("Apollo 13 (1995).mkv", "Apollo 13", 1995)]                                     // TMDB movie 568, Apollo 13 (1995)
    [TestCase("(500) Days of Summer (2009).mkv", "(500) Days of Summer", 2009)]               // TMDB movie 19913, (500) Days of Summer (2009)
    public void In_a_movie_library_numbers_are_titles(string name, string title, int year)
    {
        var parsed = NameParser.Parse(name, ParseHint.Movie);
        Assert.That((parsed.Kind, NameParser.Normalize(parsed.Title), parsed.Year, parsed.Season, parsed.Episodes.Count, parsed.AbsoluteEpisodes.Count),
            Is.EqualTo((ParsedKind.Movie, NameParser.Normalize(title), (int?)year, (int?)null, 0, 0)));
    }

    [TestCase("Room 237 (2012).mkv", "Room 237", 2012)]
    [TestCase("The.400.Blows.1959.1080p.BluRay.x264.mkv", "The 400 Blows", 1959)]
    [TestCase("127 Hours (2010).mkv", "127 Hours", 2010)]
    public void Without_a_hint_a_number_followed_by_a_year_is_part_of_the_title(string name, string title, int year)
    {
        var parsed = NameParser.Parse(name);
        Assert.That((parsed.Kind, NameParser.Normalize(parsed.Title), parsed.Year, parsed.Season),
            Is.EqualTo((ParsedKind.Movie, NameParser.Normalize(title), (int?)year, (int?)null)));
    }

    [TestCase("9-1-1 (2018)/Season 01/9-1-1.S01E03.720p.mkv", "9-1-1", 1, 3)]               // TMDB series 75219, 9-1-1 (2018)
    [TestCase("The 4400/Season 1/The.4400.S01E02.mkv", "The 4400", 1, 2)]                    // TMDB series 2068, The 4400 (2004)
    public void In_a_series_library_numbered_titles_keep_their_numbers(string name, string title, int season, int episode)
    {
        var parsed = NameParser.Parse(name, ParseHint.Series);
        Assert.That((parsed.Kind, NameParser.Normalize(parsed.Title), parsed.Season, parsed.Episodes.Count > 0 ? parsed.Episodes[0] : 0),
            Is.EqualTo((ParsedKind.Episode, NameParser.Normalize(title), (int?)season, episode)));
    }

    [Test]
    public void An_explicit_marker_still_makes_an_episode_in_a_movie_library()
    {
        var parsed = NameParser.Parse("Severance.S01E02.mkv", ParseHint.Movie);
        Assert.That((parsed.Kind, parsed.Season, parsed.Episodes), Is.EqualTo((ParsedKind.Episode, (int?)1, new[] { 2 })));
    }

    [TestCase("Heat (1995)/Featurettes/Making of Heat.mkv", true)]
    [TestCase("Severance (2022)/Season 1/Extras/Behind.mkv", true)]
    [TestCase("Other/Heat (1995)/Heat (1995).mkv", false)]
    [TestCase("Shorts/Some Short (2001).mkv", false)]
    [TestCase("Collections/Other/Heat (1995).mkv", false)]
    public void Extras_folders_are_extras_only_inside_a_title_folder(string name, bool extra)
    {
        Assert.That(NameParser.Parse(name).IsExtra, Is.EqualTo(extra));
    }
}
