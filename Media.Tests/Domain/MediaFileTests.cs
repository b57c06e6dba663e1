using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;

namespace Media.Tests.Domain;

public sealed class MediaFileTests
{
    [Test]
    public void Create_Movie_HasNoEpisodeAndNormalisedPath()
    {
        var file = MediaFile.Create(A.MovieLibrary(), A.Matrix(), null, "The Matrix (1999)\\The Matrix (1999).mkv", FileState.Verified(10, A.At), A.At);
        Assert.Multiple(() =>
        {
            Assert.That(file.IsSuccess);
            Assert.That(file.Value.EpisodeId, Is.Null);
            Assert.That(file.Value.Path, Is.EqualTo("The Matrix (1999)\\The Matrix (1999).mkv"), "kept as the file system has it");
            Assert.That(file.Value.State.Exists);
        });
    }

    [Test]
    public void Relink_GivesTheNamedEpisodesTheirStoredIds_InTheSameOrder()
    {
        var show = A.BreakingBad();
        var (one, two) = (show.FindEpisode(1, 1)!, show.FindEpisode(1, 2)!);
        var file = MediaFile.CreateForEpisodes(A.SeriesLibrary(), show, [one, two], "BB/S01E01E02.mkv", FileState.Verified(1, A.At), A.At).Value;
        var stored = EpisodeId.New();

        file.Relink(new Dictionary<EpisodeId, EpisodeId> { [one.Id] = stored, [EpisodeId.New()] = EpisodeId.New() });

        Assert.That(file.EpisodeId, Is.EqualTo(stored));
        Assert.That(file.Episodes.Select(e => (e.EpisodeId, e.Position)), Is.EqualTo(new[] { (stored, 0), (two.Id, 1) }));
    }

    [Test]
    public void Create_SeriesWithoutEpisode_IsValidationError()
    {
        var result = MediaFile.Create(A.SeriesLibrary(), A.BreakingBad(), null, "x.mkv", FileState.Verified(1, A.At), A.At);
        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
    }

    [Test]
    public void Create_MovieWithEpisode_IsValidationError()
    {
        var episode = A.BreakingBad().FindEpisode(1, 1);
        var result = MediaFile.Create(A.MovieLibrary(), A.Matrix(), episode, "x.mkv", FileState.Verified(1, A.At), A.At);
        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
    }

    [Test]
    public void Create_EpisodeOfAnotherSeries_IsValidationError()
    {
        var other = A.BreakingBad().FindEpisode(1, 1);
        var result = MediaFile.Create(A.SeriesLibrary(), A.BreakingBad(), other, "x.mkv", FileState.Verified(1, A.At), A.At);
        Assert.That(result.Error?.Code, Is.EqualTo("validation"));
    }

    [Test]
    public void Create_MovieInSeriesLibrary_IsValidationError()
    {
        var result = MediaFile.Create(A.SeriesLibrary(), A.Matrix(), null, "x.mkv", FileState.Verified(1, A.At), A.At);
        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
    }

    [Test]
    public void Create_SeriesEpisode_NamesTheEpisode()
    {
        var show = A.BreakingBad();
        var episode = show.FindEpisode(1, 2)!;
        var result = MediaFile.Create(A.SeriesLibrary(), show, episode, "Breaking Bad/Season 01/e2.mkv", FileState.Verified(1, A.At), A.At);
        Assert.That(result.Value.EpisodeId, Is.EqualTo(episode.Id));
    }

    [TestCase("/etc/passwd")]
    [TestCase("../other/x.mkv")]
    [TestCase("")]
    public void Create_PathNotInsideLibrary_IsValidationError(string path)
    {
        var result = MediaFile.Create(A.MovieLibrary(), A.Matrix(), null, path, FileState.Verified(1, A.At), A.At);
        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
    }

    [Test]
    public void MarkMissing_KeepsLastSize_AndVerifiedBringsItBack()
    {
        var file = MediaFile.Create(A.MovieLibrary(), A.Matrix(), null, "m.mkv", FileState.Verified(100, A.At), A.At).Value;
        file.MarkMissing(A.At.AddDays(1));
        Assert.That(file.State, Is.EqualTo(new FileState(false, 100, A.At.AddDays(1))));
        Assert.That(file.CanForget().IsSuccess);
        file.Verified(120, A.At.AddDays(2));
        Assert.That(file.State, Is.EqualTo(new FileState(true, 120, A.At.AddDays(2))));
    }

    [Test]
    public void CanForget_WhileItExists_IsConflict()
    {
        var file = MediaFile.Create(A.MovieLibrary(), A.Matrix(), null, "m.mkv", FileState.Verified(100, A.At), A.At).Value;
        Assert.That(file.CanForget().Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
    }

    [Test]
    public void FileState_Verified_NegativeSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FileState.Verified(-1, A.At));

    [Test]
    public void FileState_Missing_KeepsSize() =>
        Assert.That(FileState.Verified(5, A.At).Missing(A.At.AddHours(1)), Is.EqualTo(new FileState(false, 5, A.At.AddHours(1))));
}
