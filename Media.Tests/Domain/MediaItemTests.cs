using Media.Domain.MediaItems;

namespace Media.Tests.Domain;

public sealed class MediaItemTests
{
    [Test]
    public void EnsureSeason_SameNumberTwice_IsOneSeason()
    {
        var show = A.BreakingBad();
        var again = show.EnsureSeason(1);
        Assert.That(show.Seasons, Has.Count.EqualTo(1));
        Assert.That(again.Name, Is.EqualTo("Season 1"));
    }

    [Test]
    public void EnsureEpisode_Known_TakesNewDetails()
    {
        var show = A.BreakingBad();
        show.EnsureSeason(1).EnsureEpisode(1, "Pilot (renamed)");
        Assert.That(show.FindEpisode(1, 1)!.Title, Is.EqualTo("Pilot (renamed)"));
        Assert.That(show.Seasons.Single().Episodes, Has.Count.EqualTo(2));
    }

    [Test]
    public void EnsureSeason_OnMovie_Throws() =>
        Assert.Throws<InvalidOperationException>(() => A.Matrix().EnsureSeason(1));

    [TestCase(0)]
    [TestCase(-5)]
    public void Create_NonPositiveTmdbId_Throws(int id) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MediaItem.Movie(id, "X", null, 2000, A.At));

    [Test]
    public void Create_EmptyTitle_Throws() =>
        Assert.Throws<ArgumentException>(() => MediaItem.Movie(1, " ", null, 2000, A.At));

    [Test]
    public void Create_BlankOriginalTitle_IsNull() =>
        Assert.That(MediaItem.Movie(1, "X", " ", null, A.At).OriginalTitle, Is.Null);

    [Test]
    public void Specials_AreSeasonZero() =>
        Assert.That(A.BreakingBad().EnsureSeason(0, "Specials").Number, Is.Zero);

    [Test]
    public void HasEpisode_OnlyForItsOwnEpisodes()
    {
        var show = A.BreakingBad();
        Assert.That(show.HasEpisode(show.FindEpisode(1, 1)!.Id));
        Assert.That(show.HasEpisode(A.BreakingBad().FindEpisode(1, 1)!.Id), Is.False);
    }
}
