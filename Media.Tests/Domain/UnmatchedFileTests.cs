using Media.Domain.Common;
using Media.Domain.Unmatched;

namespace Media.Tests.Domain;

public sealed class UnmatchedFileTests
{
    [Test]
    public void Discover_IsPendingWithBestFiveSuggestionsFirst()
    {
        var suggestions = Enumerable.Range(1, 8).Select(i => A.Suggestion(i, i / 10.0));
        var file = UnmatchedFile.Discover(LibraryId.New(), "a/b.mkv", 10, suggestions, A.At);
        Assert.Multiple(() =>
        {
            Assert.That(file.Status, Is.EqualTo(UnmatchedStatus.Pending));
            Assert.That(file.Suggestions.Select(s => s.TmdbId), Is.EqualTo(new[] { 8, 7, 6, 5, 4 }));
            Assert.That(file.ResolvedAt, Is.Null);
        });
    }

    [Test]
    public void Discover_SameTitleTwice_KeepsOne()
    {
        var file = UnmatchedFile.Discover(LibraryId.New(), "a.mkv", 1, [A.Suggestion(1, 0.5), A.Suggestion(1, 0.4)], A.At);
        Assert.That(file.Suggestions, Has.Count.EqualTo(1));
    }

    [TestCase("/abs/path.mkv")]
    [TestCase("../escape.mkv")]
    [TestCase("a/../../b.mkv")]
    public void Discover_PathOutsideLibrary_Throws(string path) =>
        Assert.Throws<ArgumentException>(() => UnmatchedFile.Discover(LibraryId.New(), path, 1, [], A.At));

    [Test]
    public void Discover_ScoreOutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => UnmatchedFile.Discover(LibraryId.New(), "a.mkv", 1, [A.Suggestion(1, 1.5)], A.At));

    [Test]
    public void Match_WhenPending_RecordsFileAndTime()
    {
        var file = A.PendingUnmatched();
        var media = MediaFileId.New();
        var result = file.Match(media, A.At.AddHours(1));
        Assert.Multiple(() =>
        {
            Assert.That(result.IsSuccess);
            Assert.That(file.Status, Is.EqualTo(UnmatchedStatus.Matched));
            Assert.That(file.MediaFileId, Is.EqualTo(media));
            Assert.That(file.ResolvedAt, Is.EqualTo(A.At.AddHours(1)));
        });
    }

    [Test]
    public void Match_WhenDismissed_IsConflict()
    {
        var file = A.PendingUnmatched();
        file.Dismiss(A.At);
        var result = file.Match(MediaFileId.New(), A.At);
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
            Assert.That(file.Status, Is.EqualTo(UnmatchedStatus.Dismissed));
            Assert.That(file.MediaFileId, Is.Null);
        });
    }

    [Test]
    public void Dismiss_Twice_IsConflict()
    {
        var file = A.PendingUnmatched();
        Assert.That(file.Dismiss(A.At).IsSuccess);
        Assert.That(file.Dismiss(A.At).Error?.Code, Is.EqualTo("unmatched_file.already_resolved"));
    }

    [Test]
    public void Match_Twice_IsConflictAndKeepsFirst()
    {
        var file = A.PendingUnmatched();
        var first = MediaFileId.New();
        file.Match(first, A.At);
        Assert.That(file.Match(MediaFileId.New(), A.At).Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
        Assert.That(file.MediaFileId, Is.EqualTo(first));
    }

    [Test]
    public void RefreshSuggestions_WhenPending_ReplacesThem()
    {
        var file = A.PendingUnmatched();
        Assert.That(file.RefreshSuggestions([A.Suggestion(42, 0.9)]).IsSuccess);
        Assert.That(file.Suggestions.Single().TmdbId, Is.EqualTo(42));
    }

    [Test]
    public void RefreshSuggestions_WhenResolved_IsConflictAndKeepsThem()
    {
        var file = A.PendingUnmatched();
        file.Dismiss(A.At);
        Assert.That(file.RefreshSuggestions([A.Suggestion(42, 0.9)]).Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
        Assert.That(file.Suggestions.Single().TmdbId, Is.EqualTo(603));
    }

    [Test]
    public void Seen_WhenPending_UpdatesSize_WhenResolved_DoesNot()
    {
        var file = A.PendingUnmatched();
        file.Seen(999);
        Assert.That(file.Size, Is.EqualTo(999));
        file.Dismiss(A.At);
        file.Seen(5);
        Assert.That(file.Size, Is.EqualTo(999));
    }
}
