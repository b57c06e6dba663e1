using Media.Domain.Common;
using Media.Domain.Imports;

namespace Media.Tests.Domain;

public sealed class ImportAttemptTests
{
    [Test]
    public void Success_NamesItsFile()
    {
        var file = MediaFileId.New();
        var attempt = ImportAttempt.Success(ImportMethod.Copy, file, "/dl/a.mkv", "A/a.mkv", A.At, note: "hardlink impossible: other filesystem");
        Assert.Multiple(() =>
        {
            Assert.That(attempt.Succeeded);
            Assert.That(attempt.MediaFileId, Is.EqualTo(file));
            Assert.That(attempt.ErrorCode, Is.Null);
            Assert.That(attempt.Error, Does.Contain("other filesystem"));
        });
    }

    [Test]
    public void Success_WithoutFile_Throws() =>
        Assert.Throws<ArgumentException>(() => ImportAttempt.Success(ImportMethod.Scan, default, "a", "a", A.At));

    [TestCase("", "message")]
    [TestCase("source_missing", " ")]
    public void Failure_WithoutCodeOrMessage_Throws(string code, string message) =>
        Assert.Throws<ArgumentException>(() => ImportAttempt.Failure(ImportMethod.Hardlink, code, message, "a", "b", A.At));

    [Test]
    public void Failure_CarriesCodeAndMessage()
    {
        var job = DownloadJobId.New();
        var attempt = ImportAttempt.Failure(ImportMethod.Hardlink, "destination_exists", "A different file is there.", "/dl/a", "A/a", A.At, job);
        Assert.Multiple(() =>
        {
            Assert.That(attempt.Succeeded, Is.False);
            Assert.That(attempt.ErrorCode, Is.EqualTo("destination_exists"));
            Assert.That(attempt.DownloadJobId, Is.EqualTo(job));
            Assert.That(attempt.MediaFileId, Is.Null);
        });
    }
}
