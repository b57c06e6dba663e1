using Media.Application.Metadata;
using Media.Application.Parsing;
using Media.Application.Scanning;
using Media.Domain.MediaItems;

namespace Media.Tests.Scanning;

/// <summary>
/// What identification decides for a real name, without I/O: the parser (with the library's kind) reads the search
/// terms, and <see cref="MatchScoring"/> decides among TMDB's answers which one is the file's title for sure, or none.
/// </summary>
public sealed class MatchDecisionTests
{
    private static readonly MetadataCandidate[] Tmdb =
    [
        new(603, MediaType.Movie, "The Matrix", null, 1999, 80),
        new(604, MediaType.Movie, "The Matrix Reloaded", null, 2003, 40),
        new(949, MediaType.Movie, "Heat", null, 1995, 30),
        new(11081, MediaType.Movie, "Heat", null, 1986, 5),
        new(1398, MediaType.Movie, "Room 237", null, 2012, 5),
        new(147, MediaType.Movie, "The 400 Blows", "Les Quatre Cents Coups", 1959, 10),
        new(1271, MediaType.Movie, "300", null, 2007, 50),
        new(14161, MediaType.Movie, "2012", null, 2009, 40),
        new(19913, MediaType.Movie, "(500) Days of Summer", null, 2009, 20),
        new(1895, MediaType.Movie, "Star Wars: Episode III - Revenge of the Sith", null, 2005, 40),
    ];

    // name in a movie library -> the TMDB id taken for sure, or 0 for "not sure: the unmatched queue, with suggestions"
    [TestCase("The Matrix (1999)/The Matrix (1999).mkv", 603, Description = "title and year equal")]
    [TestCase("old/The Matrix (2000).mkv", 603, Description = "a year off by one is still the title")]
    [TestCase("Matrix/Matrix.mkv", 0, Description = "a title that is not equal is a suggestion, never a match")]
    [TestCase("Heat.1995.1080p.BluRay.x264-GRP.mkv", 949, Description = "the year picks one of two equal titles")]
    [TestCase("copies/Heat.mkv", 0, Description = "two equal titles and no year: not sure")]
    [TestCase("Room 237 (2012).mkv", 1398, Description = "a number that is part of the title")]
    [TestCase("Les.Quatre.Cents.Coups.1959.mkv", 147, Description = "the original title counts as the title")]
    [TestCase("300 (2007).mkv", 1271, Description = "a title that is only a number")]
    [TestCase("2012 (2009).mkv", 14161, Description = "a title that looks like a year")]
    [TestCase("(500) Days of Summer (2009).mkv", 19913, Description = "a bracketed number opening the title")]
    [TestCase("The Matrix (1985).mkv", 0, Description = "a year far off is another film")]
    public void A_movie_name_is_matched_only_when_sure(string name, int expected)
    {
        var parsed = NameParser.Parse(name, ParseHint.Movie);
        var (title, year, _) = Identifier.SearchTerms(name, parsed, MediaType.Movie);
        var confident = MatchScoring.Confident(Tmdb, title!, year);
        Assert.That(confident?.TmdbId ?? 0, Is.EqualTo(expected), $"read as '{title}' ({year})");
    }

    [Test]
    public void An_unsure_name_gets_the_likeliest_suggestions_first()
    {
        var suggestions = MatchScoring.Suggestions(Tmdb, "Matrix", null);
        Assert.That(suggestions.Take(2).Select(s => s.TmdbId), Is.EqualTo(new[] { 603, 604 }));
        Assert.That(suggestions, Has.All.Matches<Media.Domain.Unmatched.MatchSuggestion>(s => s!.Score is >= 0 and <= 1));
    }
}
