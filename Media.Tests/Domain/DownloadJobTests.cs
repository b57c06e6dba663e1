using Media.Domain.Common;
using Media.Domain.Downloads;

namespace Media.Tests.Domain;

public sealed class DownloadJobTests
{
    private static DownloadJob AJob() =>
        DownloadJob.Queue(MediaItemId.New(), [EpisodeId.New()], LibraryId.New(), DownloaderId.New(), "magnet:?xt=urn:btih:abc", A.At);

    [Test]
    public void Progress_ToFull_IsCompleted_ThenImported()
    {
        var job = AJob();
        job.Progressed("hash", 0.5, "/dl", A.At);
        Assert.That(job.Status, Is.EqualTo(DownloadStatus.Downloading));
        job.Progressed("hash", 1, "/dl", A.At);
        Assert.That(job.Status, Is.EqualTo(DownloadStatus.Completed));
        Assert.That(job.StartImport(A.At).IsSuccess);
        Assert.That(job.Imported(A.At).IsSuccess);
        Assert.That(job.Status, Is.EqualTo(DownloadStatus.Imported));
    }

    [Test]
    public void StartImport_WhileDownloading_IsConflict()
    {
        var job = AJob();
        job.Progressed("hash", 0.1, null, A.At);
        Assert.That(job.StartImport(A.At).Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
    }

    [Test]
    public void Failed_CanBeRetried()
    {
        var job = AJob();
        job.Fail("boom", A.At);
        Assert.That(job.StartImport(A.At).IsSuccess);
    }

    [Test]
    public void Queue_SameEpisodeTwice_IsOnce()
    {
        var episode = EpisodeId.New();
        var job = DownloadJob.Queue(MediaItemId.New(), [episode, episode], LibraryId.New(), DownloaderId.New(), "magnet:?x", A.At);
        Assert.That(job.Episodes, Has.Count.EqualTo(1));
    }
}
