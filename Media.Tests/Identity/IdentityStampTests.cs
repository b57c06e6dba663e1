using Media.Application.Imports;
using Media.Application.Libraries;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Application.Metadata;
using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Application.Unmatched;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Tests.Domain;
using NSubstitute;

namespace Media.Tests.Identity;

/// <summary>The use cases that identify a file write its identity into it, and a storage that cannot is no failure.</summary>
public sealed class IdentityStampTests
{
    private static readonly FileProbe OnDisk = new(2049, 123456, 1234, A.At.AddDays(-3), null);

    /// <summary>A local disk whose setxattr fails (a read-only share): stat and probe answer, writing the identity does not.</summary>
    private static ILibraryStorage ReadOnlyDisk(string why = "The file system is read-only.")
    {
        var storage = Substitute.For<ILibraryStorage, IFileIdentityStore>();
        storage.StatAsync("Unknown/file.mkv", Arg.Any<CancellationToken>()).Returns(new StoredFile("Unknown/file.mkv", 1234, A.At));
        ((IFileIdentityStore)storage).Probe("Unknown/file.mkv").Returns(OnDisk);
        ((IFileIdentityStore)storage).Write("Unknown/file.mkv", Arg.Any<IdentityTag>()).Returns(why);
        return storage;
    }

    [Test]
    public async Task Match_WhenSetxattrFails_StillMatches_AndTheStateSaysWhyTheIdentityIsNotStored()
    {
        var library = A.MovieLibrary();
        var entry = A.PendingUnmatched(library.Id);
        var queue = Substitute.For<IUnmatchedFileRepository>();
        queue.FindAsync(entry.Id, Arg.Any<CancellationToken>()).Returns(entry);
        queue.SaveResolutionAsync(entry, Arg.Any<CancellationToken>()).Returns(Result.Ok());
        var libraries = Substitute.For<ILibraryRepository>();
        libraries.FindAsync(library.Id, Arg.Any<CancellationToken>()).Returns(library);
        var items = Substitute.For<IMediaItemRepository>();
        items.EnsureAsync(Arg.Any<Media.Domain.MediaItems.MediaItem>(), Arg.Any<CancellationToken>())
            .Returns(c => new EnsuredItem(c.Arg<Media.Domain.MediaItems.MediaItem>(), true));
        var files = Substitute.For<IMediaFileRepository>();
        var imports = Substitute.For<IImportAttemptRepository>();
        var tmdb = Substitute.For<IMetadataSource>();
        tmdb.GetMovieAsync(603, Arg.Any<CancellationToken>()).Returns(new MovieMetadata(603, "The Matrix", "The Matrix", 1999, null));
        var storage = ReadOnlyDisk();
        var storages = Substitute.For<ILibraryStorageFactory>();
        storages.For(library.Storage).Returns(storage);

        var result = await new MatchUnmatchedFileHandler(queue, libraries, items, files, imports, tmdb, storages, TimeProvider.System,
                Substitute.For<Media.Application.Probing.IProbeQueue>())
            .Handle(new MatchUnmatchedFile(entry.Id, new MatchInput(603, "movie", null, null)), default);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Message);
        Assert.That(result.Value.State.IdentityStored, Is.False);
        Assert.That(result.Value.State.IdentityNote, Is.EqualTo("The file system is read-only."));
        var added = (MediaFile)files.ReceivedCalls().Single(c => c.GetMethodInfo().Name == "Add").GetArguments()[0]!;
        Assert.That((added.State.Device, added.State.Inode, added.State.IdentityStored), Is.EqualTo(((long?)2049, (long?)123456, (bool?)false)),
            "device and inode are recorded all the same");
        ((IFileIdentityStore)storage).Received(1).Write("Unknown/file.mkv", Arg.Is<IdentityTag>(t => t.File == added.Id && t.TmdbId == 603));
        imports.Received(1).Add(Arg.Is<ImportAttempt>(i => i.Method == ImportMethod.ManualMatch && i.Succeeded));
    }

    [Test]
    public void Stamp_OnObjectStorage_TriesNothing_AndLeavesTheIdentityUntried()
    {
        var file = MediaFile.Create(A.MovieLibrary(), A.Matrix(), null, "The Matrix (1999).mkv", FileState.Verified(1, A.At), A.At).Value;
        IdentityTags.Stamp(Substitute.For<ILibraryStorage>(), file, A.Matrix());
        Assert.That(file.State.IdentityStored, Is.Null);
    }

    [Test]
    public void Tag_OfAnEpisodeFile_NamesItsSeasonAndEpisodes_InOrder()
    {
        var show = A.BreakingBad();
        var episodes = show.Seasons.Single().Episodes.OrderBy(e => e.Number).ToList();
        var file = MediaFile.CreateForEpisodes(A.SeriesLibrary(), show, episodes, "BB/S01E01E02.mkv", FileState.Verified(1, A.At), A.At).Value;
        var tag = IdentityTags.Of(file, show);
        Assert.That((tag.File, tag.Type, tag.TmdbId, tag.Season, string.Join(",", tag.Episodes)),
            Is.EqualTo((file.Id, Media.Domain.MediaItems.MediaType.Series, 1396, (int?)1, "1,2")));
    }

    [Test]
    public void FolderChanges_DebounceAndCoalesce_IntoOneRescanOfTheFolderHoldingThemAll()
    {
        var changes = new FolderChanges(TimeSpan.FromSeconds(2));
        changes.Changed("Shows/BB/Season 01", A.At);
        changes.Changed("Shows/BB/Season 02", A.At.AddSeconds(1));
        Assert.That(changes.TryTakeDue(A.At.AddSeconds(2), out _), Is.False, "not quiet yet");
        Assert.That(changes.TryTakeDue(A.At.AddSeconds(3), out var folder), Is.True);
        Assert.That(folder, Is.EqualTo("Shows/BB"));
        Assert.That(changes.IsEmpty, Is.True);
        changes.Changed("Movies/Heat", A.At);
        changes.Changed("Shows", A.At);
        Assert.That(changes.TryTakeDue(A.At.AddSeconds(5), out folder) && folder is null, Is.True, "nothing in common but the root: the whole library");
        changes.Changed("Movies/Heat", A.At);
        changes.Lost(A.At);
        Assert.That(changes.TryTakeDue(A.At.AddSeconds(5), out folder) && folder is null, Is.True, "an overflow: the whole library");
    }
}
