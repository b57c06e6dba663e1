using System.Runtime.CompilerServices;
using Media.Application.Libraries;
using Media.Application.Metadata;
using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Scans;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace Media.Tests.Scanning;

/// <summary>
/// A folder the walk cannot read (as root every folder is readable, so the storage is a fake here): its files were
/// not seen, not lost, and are never marked missing; a file gone elsewhere still is.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class UnreadableFolderScanTests(Provider provider) : DatabaseTest(provider)
{
    private sealed class LockedFolderStorage : ILibraryStorage
    {
        public Task<string?> UnavailableReasonAsync(CancellationToken ct) => Task.FromResult<string?>(null);

        public async IAsyncEnumerable<StoredFile> WalkAsync(string? folder, Func<string, bool> skipFolder, Action<WalkProblem> onProblem,
            [EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            onProblem(new WalkProblem("Locked", WalkProblemKind.Unreadable, "Permission denied"));
            yield return new StoredFile("Open/Kept (2001)/Kept (2001).mkv", 10, DateTimeOffset.UtcNow);
        }

        public Task<StoredFile?> StatAsync(string path, CancellationToken ct) => Task.FromResult<StoredFile?>(null);
    }

    [Test]
    public async Task Files_under_an_unreadable_folder_are_not_marked_missing()
    {
        var at = DateTimeOffset.UtcNow;
        var library = Library.Create("Locked", LibraryKind.Movies, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), at).Value;
        var item = MediaItem.Movie(6161, "Kept", null, 2001, at);
        MediaFile File(string path) => MediaFile.Create(library, item, null, path, FileState.Verified(10, at), at).Value;
        var locked = File("Locked/Hidden (2000)/Hidden (2000).mkv");
        var kept = File("Open/Kept (2001)/Kept (2001).mkv");
        var gone = File("Open/Gone (2002)/Gone (2002).mkv");
        var scan = Scan.Queue(library.Id, null, at).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, item, locked, kept, gone, scan);
            await db.SaveChangesAsync(Ct);
        });

        var storages = Substitute.For<ILibraryStorageFactory>();
        storages.For(Arg.Any<StorageLocation>()).Returns(new LockedFolderStorage());
        var tmdb = Substitute.For<IMetadataSource>();
        var runner = new ScanRunner(Get<IScanRepository>(), Get<ILibraryRepository>(), Get<IScanStore>(), storages, tmdb, Get<IScanLedger>(),
            TimeProvider.System, NullLogger<ScanRunner>.Instance);
        await runner.RunAsync(scan.Id, Ct);

        var (done, files) = await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            return (await db.Set<Scan>().AsNoTracking().SingleAsync(x => x.Id == scan.Id, Ct),
                    await db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library.Id).ToDictionaryAsync(f => f.Path, f => f.State.Exists, Ct));
        });
        Assert.That((done.Status, done.FilesSeen, done.FilesMissing), Is.EqualTo((ScanStatus.Completed, 1, 1)));
        Assert.That(files[locked.Path], Is.True, "not seen is not gone");
        Assert.That(files[kept.Path], Is.True);
        Assert.That(files[gone.Path], Is.False);
        Assert.That(done.Skipped.UnreadableFolders, Is.EqualTo(1), "counted on the scan, not only logged");
        Assert.That(done.Problems.Select(p => (p.Path, p.Kind)), Is.EqualTo(new[] { ("Locked", "unreadable") }));
    }
}
