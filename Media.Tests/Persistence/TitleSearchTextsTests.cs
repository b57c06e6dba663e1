using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence.Repositories;

namespace Media.Tests.Persistence;

/// <summary>How the held texts are searched: each title once, no match across two titles' texts, the type filtered.</summary>
public sealed class TitleSearchTextsTests
{
    private static TitleSearchTexts.Held Held(params (string Text, MediaType Type)[] titles)
    {
        var starts = new List<int> { 0 };
        foreach (var (text, _) in titles) starts.Add(starts[^1] + text.Length);
        return new TitleSearchTexts.Held(7, string.Concat(titles.Select(t => t.Text)).ToCharArray(), [.. starts], [.. titles.Select(t => t.Type)]);
    }

    [Test]
    public void A_title_matching_twice_counts_once()
    {
        var held = Held(("abab abab\n", MediaType.Movie), ("cab\n", MediaType.Movie));
        Assert.That(held.Count("ab", null), Is.EqualTo(2));
        Assert.That(held.Count("abab", null), Is.EqualTo(1));
    }

    [Test]
    public void A_match_cannot_run_from_one_title_into_the_next()
    {
        // End to end the texts read "xa\nby\n": "a\nb" and "\nb" run across the two titles.
        var held = Held(("xa\n", MediaType.Movie), ("by\n", MediaType.Series));
        Assert.That(held.Count("a\nb", null), Is.Zero);
        Assert.That(held.Count("\nb", null), Is.Zero);
        Assert.That(held.Count("\n", null), Is.EqualTo(2));
        Assert.That(held.Count("by", null), Is.EqualTo(1));
        Assert.That(held.Count("xa\n", null), Is.EqualTo(1), "a match ending where its title ends");
    }

    [Test]
    public void A_match_after_a_crossing_one_is_found()
    {
        // "ab" first runs from the first title into the second ("a" + "b..."), then lies inside the second.
        var held = Held(("xa", MediaType.Movie), ("bab", MediaType.Movie), ("zz", MediaType.Movie), ("ab", MediaType.Movie));
        Assert.That(held.Count("ab", null), Is.EqualTo(2));
    }

    [Test]
    public void The_type_is_filtered()
    {
        var held = Held(("heat\n", MediaType.Movie), ("the heat is on\n", MediaType.Series), ("wheat\n", MediaType.Movie));
        Assert.That(held.Count("heat", null), Is.EqualTo(3));
        Assert.That(held.Count("heat", MediaType.Movie), Is.EqualTo(2));
        Assert.That(held.Count("heat", MediaType.Series), Is.EqualTo(1));
        Assert.That(held.Count("cold", null), Is.Zero);
    }
}
